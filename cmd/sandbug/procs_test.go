package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sandbug/sandbug/internal/testbin"
)

// familyC: three generations. A child exits 4 and a grandchild dies of SIGSEGV; each stays a
// zombie for 400 ms (several samples) before its parent waits for it.
const familyC = `#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
	int p[2];
	pipe(p);
	pid_t a = fork();
	if (a == 0) _exit(4);
	pid_t b = fork();
	if (b == 0) {
		pid_t g = fork();
		if (g == 0) raise(SIGSEGV);
		usleep(400000);
		waitpid(g, 0, 0);
		usleep(400000);
		_exit(0);
	}
	usleep(400000);
	waitpid(a, 0, 0);
	waitpid(b, 0, 0);
	printf("done\n");
	return 0;
}
`

type procJSON struct {
	Pid, PPid int
	Command   []string
	LastState string `json:"last_state"`
	Exit      *struct {
		Kind, Signal string
		Code         int
	}
	Fds []struct {
		Fd           int
		Kind, Target string
		PipeEnd      string `json:"pipe_end"`
		Shared       int
	}
}

// TestRunJSONProcessTree: the report lists every process of a three-generation program with
// its parent and how it ended, and the plain run names the children that did not exit 0.
func TestRunJSONProcessTree(t *testing.T) {
	prog := testbin.CompileC(t, "family", familyC)
	out, errOut, code := sandbug(t, "", "run", "--json", "--fds", prog)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct{ Processes []procJSON }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ps := rep.Processes
	if len(ps) != 4 {
		t.Fatalf("%d processes, want 4: %+v", len(ps), ps)
	}
	main := ps[0]
	if main.Exit == nil || main.Exit.Kind != "exited" || main.Exit.Code != 0 || len(main.Command) != 1 || main.Command[0] != prog {
		t.Errorf("main %+v", main)
	}
	var child4, segv *procJSON
	for i := range ps[1:] {
		p := &ps[i+1]
		switch {
		case p.Exit != nil && p.Exit.Code == 4:
			child4 = p
		case p.Exit != nil && p.Exit.Signal == "SIGSEGV":
			segv = p
		}
	}
	if child4 == nil || child4.PPid != main.Pid || segv == nil || segv.PPid == main.Pid || segv.PPid == 0 {
		t.Fatalf("children %+v", ps[1:])
	}
	// --fds: the main program's pipe ends, as last seen.
	ends := map[string]bool{}
	for _, f := range main.Fds {
		if f.Kind == "pipe" {
			ends[f.PipeEnd] = true
		}
	}
	if !ends["read"] || !ends["write"] {
		t.Errorf("main's fds %+v: want both ends of its pipe", main.Fds)
	}
	_, errOut, _ = sandbug(t, "", "run", prog)
	if !strings.Contains(errOut, "exited with status 4") || !strings.Contains(errOut, "terminated by SIGSEGV") {
		t.Errorf("the plain run does not name the children that failed:\n%s", errOut)
	}
}

// TestRunJSONNeverNamesTheWrapper: a program that ends at once is often sampled between the
// wrapper's fork and its exec of the program (CI caught the wrapper's command line, with its
// temporary paths, reported as the program's). Every run's tree names the program, never the
// wrapper, and keeps the main process with its exit.
func TestRunJSONNeverNamesTheWrapper(t *testing.T) {
	prog := testbin.CompileC(t, "quick", "int main(void) { return 3; }\n")
	for i := 0; i < 8; i++ {
		out, errOut, code := sandbug(t, "", "run", "--json", prog)
		if code != 3 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep struct{ Processes []procJSON }
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if strings.Contains(out, "sandbug-wrapper") {
			t.Fatalf("run %d: the report names the wrapper:\n%s", i, out)
		}
		ps := rep.Processes
		if len(ps) != 1 || len(ps[0].Command) != 1 || ps[0].Command[0] != prog || ps[0].Exit == nil || ps[0].Exit.Code != 3 {
			t.Fatalf("run %d: processes %+v", i, ps)
		}
	}
}
