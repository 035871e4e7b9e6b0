package incident

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The kill test re-executes this test binary as a child that appends
// timeline events and prints "ack <i>" after each AddEvent returned; the
// parent SIGKILLs it at a random moment and checks that every acknowledged
// event survived and that the open incident resumes.

const (
	killDirEnv   = "OPSDECK_INCIDENT_KILL_DIR"
	killRoundEnv = "OPSDECK_INCIDENT_KILL_ROUND"
	killMax      = 100000 // far more than the parent lets the child write
)

func TestKillChild(t *testing.T) {
	dir := os.Getenv(killDirEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestKillResume")
	}
	round := os.Getenv(killRoundEnv)
	s, open, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if open == nil {
		if open, err = s.Start(Incident{Title: "kill test", Started: time.Now().UTC()}, "child"); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Printf("incident %s\n", open.ID)
	for i := range killMax {
		if err := s.AddEvent(open.ID, Event{Kind: EventNote, Text: fmt.Sprintf("r%s-%d", round, i)}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ack %d\n", i) // os.Stdout is unbuffered: printed means acknowledged
	}
}

func TestKillResume(t *testing.T) {
	dir := t.TempDir()
	var id string
	acked := map[int]int{} // round → acknowledged events
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killDirEnv+"="+dir, killRoundEnv+"="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAt := 3 + rand.IntN(40)
		n, killed := 0, false
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if got, ok := strings.CutPrefix(line, "incident "); ok {
				if id != "" && got != id {
					t.Fatalf("round %d: child opened incident %s, want the resumed %s", round, got, id)
				}
				id = got
			}
			if _, ok := strings.CutPrefix(line, "ack "); ok {
				n++
				if n == killAt && !killed {
					time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond) // mid-write, maybe
					_ = cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				}
			}
		}
		err = cmd.Wait()
		if !killed || err == nil {
			t.Fatalf("round %d: child ended on its own after %d acks: %v\n%s", round, n, err, stderr.String())
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child did not die of SIGKILL: %v\n%s", round, err, stderr.String())
		}
		acked[round] = n

		// Reopen as the console would after the kill.
		s, open, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		if open == nil || open.ID != id {
			t.Fatalf("round %d: open incident %v, want %s", round, open, id)
		}
		next := map[int]int{} // per round, the next index expected in order
		for _, e := range open.Timeline[1:] {
			var r, i int
			if _, err := fmt.Sscanf(e.Text, "r%d-%d", &r, &i); err != nil || i != next[r] {
				t.Fatalf("round %d: event %q out of order (want r%d-%d)", round, e.Text, r, next[r])
			}
			next[r]++
		}
		for r := 0; r <= round; r++ {
			// Every acknowledged event is there; at most one more (written,
			// killed before its ack was printed).
			if next[r] < acked[r] || next[r] > acked[r]+1 {
				t.Fatalf("round %d: %d events of round %d on disk, %d acknowledged", round, next[r], r, acked[r])
			}
		}
		if err := s.AddEvent(id, Event{Kind: EventNote, Text: fmt.Sprintf("r%d-%d", round, next[round])}); err != nil {
			t.Fatalf("round %d: append after resume: %v", round, err)
		}
		acked[round] = next[round] + 1
		// The incident and the lock file, no temp file left by the kill.
		if ents, _ := os.ReadDir(dir); len(ents) != 2 || ents[0].Name() != lockName {
			t.Fatalf("round %d: files after reopen: %v", round, ents)
		}
	}
	t.Logf("acknowledged per round: %v", acked)
}
