package main

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sandbug/sandbug/launcher"
	"github.com/sandbug/sandbug/wrapper"
)

// report is the --json document; docs/json-report.md describes it field by field.
type report struct {
	Schema  int      `json:"schema"`
	Program string   `json:"program"`
	Args    []string `json:"args"`
	// Escaped lists what is not valid UTF-8 and so appears escaped in program or args (each
	// invalid byte as \xNN, a backslash as \\ in that string only): "program", "args[2]".
	Escaped    []string                  `json:"escaped,omitempty"`
	Exit       exitReport                `json:"exit"`
	Blocked    []launcher.BlockedSummary `json:"blocked"`
	Sandbox    sandboxReport             `json:"sandbox"`
	Limits     limitsReport              `json:"limits"`
	Compile    *compileReport            `json:"compile,omitempty"`
	Processes  []*procReport             `json:"processes"`
	DurationMS int64                     `json:"duration_ms"`
	// Leftovers is how many processes of the program were still running when it exited:
	// sandbug killed them (schema 2).
	Leftovers int `json:"leftovers_killed"`
	// Sanitize is the --sanitize mode and what it changes about the sandbox (leaks not
	// checked, the memory limit enforced by ASan); absent without --sanitize.
	Sanitize *sanitizeReport `json:"sanitize,omitempty"`
}

type sanitizeReport struct {
	Mode  string   `json:"mode"`
	Notes []string `json:"notes"`
}

// sanitizerReport is the sanitizer's report behind exit.crash (--sanitize).
type sanitizerReport struct {
	Tool        string `json:"tool"`
	Error       string `json:"error"`
	Message     string `json:"message,omitempty"`
	Access      string `json:"access,omitempty"`
	Where       string `json:"where,omitempty"`
	AllocatedAt string `json:"allocated_at,omitempty"`
	FreedAt     string `json:"freed_at,omitempty"`
}

type exitReport struct {
	Kind       string `json:"kind"`
	Code       int    `json:"code"`
	Signal     string `json:"signal"`
	SignalDesc string `json:"signal_desc,omitempty"`
	Core       bool   `json:"core"`
	Syscall    string `json:"syscall,omitempty"`
	Rule       string `json:"rule,omitempty"`
	Where      string `json:"where,omitempty"`
	Limit      string `json:"limit,omitempty"`
	LimitValue string `json:"limit_value,omitempty"`
	Message    string `json:"message,omitempty"`
	Interrupt  string `json:"interrupt,omitempty"`
	// A crash read in plain words (schema 2): its kind, the explanation with what to look at
	// next, the faulting address of a memory fault, the recursion depth of a stack overflow.
	Crash       string `json:"crash,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	FaultAddr   string `json:"fault_addr,omitempty"`
	Depth       int    `json:"depth,omitempty"`
	// Sanitizer: what the sanitizer reported, with --sanitize (Crash is then its kind).
	Sanitizer *sanitizerReport `json:"sanitizer,omitempty"`
	Summary   string           `json:"summary"`
	ShellCode int              `json:"shell_code"`
}

type sandboxReport struct {
	Policy     string `json:"policy"`
	Verified   bool   `json:"verified"`
	Seccomp    int    `json:"seccomp"`
	Filters    int    `json:"filters"`
	NoNewPrivs bool   `json:"no_new_privs"`
	Detail     string `json:"detail"`
	User       string `json:"user,omitempty"`
	// Jail is what the wrapper found in force of the Landlock jail (schema 2); null when the
	// program never started.
	Jail *wrapper.JailReport `json:"jail"`
}

type limitsReport struct {
	Spec   string `json:"spec"`
	CPUMS  int64  `json:"cpu_ms,omitempty"`
	Mem    int64  `json:"mem,omitempty"`
	FSize  int64  `json:"fsize,omitempty"`
	NoFile int    `json:"nofile,omitempty"`
	NProc  int    `json:"nproc,omitempty"`
	// NProcExtra: a relative process limit, tasks beyond those the uid already had at start.
	NProcExtra int    `json:"nproc_extra,omitempty"`
	Core       *int64 `json:"core,omitempty"`
	TimeoutMS  int64  `json:"timeout_ms,omitempty"`
}

type compileReport struct {
	OK      bool   `json:"ok"`
	Command string `json:"command"`
	Output  string `json:"output"`
}

func newReport(cfg launcher.Config, s *launcher.Session) *report {
	l := cfg.Limits
	r := &report{
		Schema: 2, Program: cfg.Program, Args: cfg.Args, Blocked: []launcher.BlockedSummary{},
		Limits: limitsReport{Spec: l.String(), CPUMS: l.CPU.Milliseconds(), Mem: l.Mem, FSize: l.FSize,
			NoFile: l.NoFile, NProc: l.NProc, NProcExtra: l.NProcExtra, Core: l.Core, TimeoutMS: cfg.Timeout.Milliseconds()},
	}
	if r.Args == nil {
		r.Args = []string{}
	}
	// JSON strings are UTF-8: encoding/json would replace invalid bytes with U+FFFD and lose
	// them. Escape those strings instead and say which they are, so no byte is lost.
	var esc bool
	if r.Program, esc = escapeInvalidUTF8(r.Program); esc {
		r.Escaped = append(r.Escaped, "program")
	}
	args := make([]string, len(r.Args))
	for i, a := range r.Args {
		if args[i], esc = escapeInvalidUTF8(a); esc {
			r.Escaped = append(r.Escaped, fmt.Sprintf("args[%d]", i))
		}
	}
	r.Args = args
	if p := s.Policy(); p != nil {
		r.Sandbox.Policy = p.Name
	}
	r.Sandbox.User = cfg.User
	if cfg.Sanitize != launcher.SanitizeNone {
		r.Sanitize = &sanitizeReport{Mode: string(cfg.Sanitize), Notes: s.SanitizerNotes()}
		if r.Sanitize.Notes == nil {
			r.Sanitize.Notes = []string{}
		}
	}
	return r
}

// escapeInvalidUTF8 returns s unchanged when it is valid UTF-8; otherwise s with every byte of
// an invalid sequence written \xNN and every backslash doubled (so the bytes can be recovered
// exactly), and true.
func escapeInvalidUTF8(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r == '\\':
			b.WriteString("\\\\")
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String(), true
}

func (r *report) finish(st launcher.ExitStatus, blocked []launcher.BlockedSummary, d time.Duration) {
	r.Exit = exitReport{Kind: st.Kind, Code: st.Code, Signal: st.Signal, SignalDesc: st.SignalDesc, Core: st.Core,
		Syscall: st.Syscall, Rule: st.Rule, Where: st.Where, Limit: st.Limit, LimitValue: st.LimitValue,
		Message: st.Message, Interrupt: st.Interrupt,
		Crash: st.Crash, Explanation: st.Explanation, FaultAddr: st.FaultAddr, Depth: st.Depth, Summary: st.Summary(), ShellCode: st.ShellCode()}
	if z := st.Sanitizer; z != nil {
		r.Exit.Sanitizer = &sanitizerReport{Tool: z.Tool, Error: z.Name, Message: z.Message, Access: z.Access,
			Where: z.Where.Where(), AllocatedAt: z.Alloc.Where(), FreedAt: z.Freed.Where()}
	}
	if blocked != nil {
		r.Blocked = blocked
	}
	r.DurationMS = d.Milliseconds()
}
