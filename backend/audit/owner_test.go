//go:build unix

package audit

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

const interruptPathEnv = "OPSDECK_AUDIT_INTERRUPT_PATH"

// TestInterruptChild writes the before entry of a restart and waits to be
// killed in the middle of it.
func TestInterruptChild(t *testing.T) {
	path := os.Getenv(interruptPathEnv)
	if path == "" {
		t.Skip("runs only as the child of TestKilledActionIsClosedInterrupted")
	}
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e := Entry{Phase: PhaseBefore, ID: "a1", User: "root", Kind: backend.ActKindRestart, Target: "chat-backend", Incident: "inc-1"}
	if err := l.Append(e); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("started\n")
	time.Sleep(10 * time.Minute) // the restart "runs" until the parent kills it
}

// An action whose opsdeck is killed mid-way is closed on the next start
// with an after entry of result interrupted, once; the dead opsdeck's
// owner file goes with it.
func TestKilledActionIsClosedInterrupted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), interruptPathEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "started" {
	}
	// Still running: a console starting now leaves its action alone.
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if closed, err := l.CloseInterrupted(); err != nil || len(closed) != 0 {
		t.Fatalf("while its opsdeck runs: closed %+v, %v", closed, err)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	closed, err := l.CloseInterrupted()
	if err != nil || len(closed) != 1 {
		t.Fatalf("after the kill: closed %+v, %v", closed, err)
	}
	a := closed[0].After
	if a.ID != "a1" || a.Result != ResultInterrupted || a.Kind != backend.ActKindRestart || a.Target != "chat-backend" || a.Incident != "inc-1" || a.Error == "" {
		t.Fatalf("after entry %+v", a)
	}
	if again, err := l.CloseInterrupted(); err != nil || len(again) != 0 {
		t.Fatalf("closed twice: %+v, %v", again, err)
	}
	entries, _, _ := Read(path)
	if ps := Pairs(entries); len(ps) != 1 || ps[0].After == nil || ps[0].After.Result != ResultInterrupted {
		t.Fatalf("pairs %+v", ps)
	}
	if files, _ := filepath.Glob(filepath.Join(ownersDir(path), "*.lock")); len(files) != 1 || !strings.Contains(files[0], l.owner.id) {
		t.Fatalf("owner files %q, want only the live log's", files)
	}
}

// Another console's action in progress is never closed; refused actions
// (a before entry only, by design) are not either; entries of a version
// without owners are. Consoles starting at once close each action once.
func TestCloseInterruptedLeavesLiveActionsAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(other.Append(Entry{Phase: PhaseBefore, ID: "running", Kind: backend.ActKindRestore, Target: "chat"}))
	must(other.Append(Entry{Phase: PhaseBefore, ID: "refused", Kind: backend.ActKindStop, Target: "chat-web", Result: ResultRefused}))
	// A line an older opsdeck wrote: no owner.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	must(err)
	_, err = f.WriteString(`{"time":"2026-11-26T02:10:00Z","phase":"before","id":"old","user":"root","kind":"restart","target":"chat-backend"}` + "\n")
	must(err)
	f.Close()

	var wg sync.WaitGroup
	results := make([][]Pair, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Open(path)
			if err != nil {
				t.Error(err)
				return
			}
			defer l.Close()
			results[i], err = l.CloseInterrupted()
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var ids []string
	for _, r := range results {
		for _, p := range r {
			ids = append(ids, p.Before.ID)
		}
	}
	if len(ids) != 1 || ids[0] != "old" {
		t.Fatalf("closed %q, want only the ownerless one, once", ids)
	}
}
