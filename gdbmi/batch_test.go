package gdbmi

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLiveExecBatch sends gdb's set-up as one batch: every command is written before the first
// result comes back (the log shows all of them sent first), the results come in order, and
// gdb applied each.
func TestLiveExecBatch(t *testing.T) {
	s := startSession(t, Options{})
	defer s.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	recs, err := s.c.ExecBatch(ctx, [][]string{
		{"-gdb-set", "width", "0"},
		{"-gdb-set", "height", "0"},
		{"-gdb-set", "confirm", "off"},
		{"-gdb-show", "confirm"},
		{"-gdb-show", "height"},
	})
	if err != nil {
		t.Fatalf("ExecBatch: %v", err)
	}
	if len(recs) != 5 {
		t.Fatalf("%d results for 5 commands", len(recs))
	}
	if v := recs[3].Get("value").String(); v != "off" {
		t.Errorf("-gdb-show confirm after the batch set it off: %q", v)
	}
	if v := recs[4].Get("value").String(); v != "unlimited" && v != "0" {
		t.Errorf("-gdb-show height after the batch set it 0: %q", v)
	}
}

// TestExecBatchIsPipelined: a gdb stand-in that answers nothing until it has read all three
// commands; sent one at a time they would never be answered.
func TestExecBatchIsPipelined(t *testing.T) {
	gdb := fakeGDB(t, `echo '(gdb) '
read -r a; read -r b; read -r c
for l in "$a" "$b" "$c"; do echo "${l%%-*}^done"; done
cat >/dev/null
`)
	c, err := Start(bgctx(), Options{GDB: gdb, Interpreter: "mi4", CloseTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	recs, err := c.ExecBatch(ctx, [][]string{{"-a"}, {"-b"}, {"-c"}})
	if err != nil || len(recs) != 3 {
		t.Fatalf("ExecBatch: %d results, %v (a timeout means it waited for an answer between two commands)", len(recs), err)
	}
}

// TestLiveExecBatchError: a command that fails ends the batch with its *MIError and the results
// before it; the rest were sent (gdb ran them) and their late results reach neither a later
// call nor Events.
func TestLiveExecBatchError(t *testing.T) {
	s := startSession(t, Options{})
	defer s.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	recs, err := s.c.ExecBatch(ctx, [][]string{
		{"-gdb-set", "confirm", "off"},
		{"-no-such-command"},
		{"-gdb-set", "height", "0"},
	})
	var mie *MIError
	if !errors.As(err, &mie) || len(recs) != 1 {
		t.Fatalf("ExecBatch with a bad command: %d results, err %v; want 1 and an *MIError", len(recs), err)
	}
	r, err := s.c.Exec(ctx, "-gdb-show", "height")
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Get("value").String(); v != "unlimited" && v != "0" {
		t.Errorf("the command after the failed one was not run: height %q", v)
	}
	for {
		select {
		case e := <-s.c.Events():
			if e.Kind == ResultRecord {
				t.Errorf("a dropped result reached Events: %+v", e)
			}
			continue
		default:
		}
		break
	}
	if _, err := s.c.ExecBatch(ctx, [][]string{{"-gdb-set", "confirm", "off"}, {}}); err == nil {
		t.Error("a batch with an empty command was sent")
	}
}
