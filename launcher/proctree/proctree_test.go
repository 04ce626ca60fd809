package proctree

import (
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		line  string
		comm  string
		state State
		ppid  int
	}{
		{"812 (cat) S 811 812 100 0 -1", "cat", Sleeping, 811},
		{"9 (a (b) c) Z 1 9 9 0", "a (b) c", Zombie, 1}, // a name with spaces and parentheses
		{"7 ()) R 3 7", ")", Running, 3},
	}
	for _, tt := range tests {
		comm, st, pp, err := parseStat([]byte(tt.line))
		if err != nil || comm != tt.comm || st != tt.state || pp != tt.ppid {
			t.Errorf("parseStat(%q) = %q %c %d %v", tt.line, comm, st, pp, err)
		}
	}
	for _, bad := range []string{"", "12 cat S 1", "12 (cat)", "12 (cat) S x"} {
		if _, _, _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q): no error", bad)
		}
	}
}

func TestParseFdinfo(t *testing.T) {
	pos, flags, err := parseFdinfo([]byte("pos:\t5\nflags:\t0100001\nmnt_id:\t24\nino:\t1234\n"))
	if err != nil || pos != 5 || flags != 0o100001 || (Fd{Flags: flags}).Access() != "w" {
		t.Errorf("got %d %o %v", pos, flags, err)
	}
	if _, _, err := parseFdinfo([]byte("pos:\tx\n")); err == nil {
		t.Error("bad pos accepted")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		target string
		kind   FdKind
		inode  uint64
	}{
		{"pipe:[123456]", KindPipe, 123456},
		{"socket:[77]", KindSocket, 77},
		{"anon_inode:[eventfd]", KindAnon, 0},
		{"/dev/pts/3", KindTerminal, 0},
		{"/dev/null", KindDevice, 0},
		{"/home/a/out.txt", KindFile, 0},
		{"net:[4026531840]", KindOther, 0},
	}
	for _, tt := range tests {
		if k, n := classify(tt.target); k != tt.kind || n != tt.inode {
			t.Errorf("classify(%q) = %s %d", tt.target, k, n)
		}
	}
}

func TestDescribeJoinsPipes(t *testing.T) {
	tr := &Tree{Procs: []Process{
		{Pid: 811, Fds: []Fd{{Num: 4, Kind: KindPipe, Inode: 9, PipeEnd: "write", Flags: 1}}},
		{Pid: 812, Fds: []Fd{{Num: 3, Kind: KindPipe, Inode: 9, PipeEnd: "read"}}},
		{Pid: 813, Fds: []Fd{{Num: 3, Kind: KindPipe, Inode: 9, PipeEnd: "read"}, {Num: 5, Kind: KindPipe, Inode: 10, PipeEnd: "read"}}},
	}}
	tr.JoinPipes()
	if got, want := tr.Describe(811, tr.Procs[0].Fds[0]), "fd 4 → pipe 9 write end; read end held by pid 812 fd 3 and by pid 813 fd 3"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := tr.Describe(813, tr.Procs[2].Fds[1]); !strings.Contains(got, "no process holds the write end") {
		t.Errorf("a pipe with no writer: %q", got)
	}
}
