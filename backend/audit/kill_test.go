package audit

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// The kill test re-executes this test binary as a child that appends audit
// entries and prints "ack <i>" after each Append returned; the parent
// SIGKILLs it at a random moment, then checks that every acknowledged
// entry is in the file, that no line is torn, and that the log can be
// reopened and appended to.

const (
	killPathEnv  = "OPSDECK_AUDIT_KILL_PATH"
	killRoundEnv = "OPSDECK_AUDIT_KILL_ROUND"
)

func TestKillChild(t *testing.T) {
	path := os.Getenv(killPathEnv)
	if path == "" {
		t.Skip("runs only as the child of TestKillAppend")
	}
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	round := os.Getenv(killRoundEnv)
	for i := range 100000 { // far more than the parent lets it write
		e := Entry{Phase: PhaseBefore, ID: fmt.Sprintf("r%s-%d", round, i), User: "child",
			Kind: backend.ActKindRestart, Target: "chat-backend", Steps: []string{strings.Repeat("x", i%300)}}
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ack %d\n", i) // os.Stdout is unbuffered: printed means acknowledged
	}
}

func TestKillAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit", "audit.jsonl")
	acked := map[int]int{}
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killPathEnv+"="+path, killRoundEnv+"="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAt := 3 + rand.IntN(60)
		n, killed := 0, false
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ack ") {
				n++
				if n == killAt && !killed {
					time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
					_ = cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				}
			}
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !killed || !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child was not killed after %d acks: %v\n%s", round, n, err, stderr.String())
		}
		acked[round] = n

		entries, bad, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		// One write(2) per entry: a SIGKILL lands between system calls, so
		// it cannot leave half a line (only a power cut could).
		if bad != 0 {
			t.Fatalf("round %d: %d torn lines after SIGKILL", round, bad)
		}
		next := map[int]int{}
		for _, e := range entries {
			var r, i int
			if _, err := fmt.Sscanf(e.ID, "r%d-%d", &r, &i); err != nil || i != next[r] {
				t.Fatalf("round %d: entry %q out of order (want r%d-%d)", round, e.ID, r, next[r])
			}
			next[r]++
		}
		for r := 0; r <= round; r++ {
			if next[r] < acked[r] || next[r] > acked[r]+1 {
				t.Fatalf("round %d: %d entries of round %d in the file, %d acknowledged", round, next[r], r, acked[r])
			}
			acked[r] = next[r]
		}
	}
	// The log reopens and appends after the kills.
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{Phase: PhaseAfter, ID: "r3-0", Result: ResultOK}); err != nil {
		t.Fatal(err)
	}
	_ = l.Close()
	entries, bad, err := Read(path)
	if err != nil || bad != 0 || entries[len(entries)-1].Phase != PhaseAfter {
		t.Fatalf("after reopen: %d entries, %d bad, %v", len(entries), bad, err)
	}
	t.Logf("acknowledged per round: %v", acked)
}
