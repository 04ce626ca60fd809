package gdbmi_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sandbug/sandbug/gdbmi"
)

func ExampleParse() {
	r, err := gdbmi.Parse([]byte(`*stopped,reason="exited",exit-code="012",thread-ids={thread-id="1",thread-id="2"}`))
	if err != nil {
		log.Fatal(err)
	}
	st, _ := gdbmi.ParseStop(r)
	fmt.Println(r.Kind, r.Class, st.Reason, st.ExitCode)
	for _, id := range r.Get("thread-ids").GetAll("thread-id") {
		fmt.Print(id, ";")
	}
	fmt.Println()
	_, err = gdbmi.Parse([]byte(`^done,value="unterminated`))
	fmt.Println(err)
	// Output:
	// exec stopped exited 10
	// 1;2;
	// gdbmi: column 26: unterminated string (near "")
}

func ExampleQuote() {
	fmt.Println(gdbmi.Quote("--thread"), gdbmi.Quote("/tmp/my dir/é.c:12"), gdbmi.Quote(`say "hi"`))
	// Output: --thread "/tmp/my dir/é.c:12" "say \"hi\""
}

func ExampleStart() {
	ctx := context.Background()
	c, err := gdbmi.Start(ctx, gdbmi.Options{Args: []string{"./prog"}})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	go func() { // drain events: stops, console text, thread groups
		var text gdbmi.TextAssembler
		for r := range c.Events() {
			if st, ok := gdbmi.ParseStop(r); ok {
				fmt.Println("stopped:", st.Reason)
			}
			for _, line := range text.Add(r) {
				fmt.Printf("gdb: %s\n", line)
			}
		}
	}()
	if _, err := c.Exec(ctx, "-break-insert", "main"); err != nil {
		log.Fatal(err) // a *gdbmi.MIError carries gdb's msg and code
	}
	if _, err := c.Exec(ctx, "-exec-run"); err != nil {
		log.Fatal(err)
	}
}
