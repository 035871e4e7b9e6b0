package incident

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/manacore/opsdeck/backend/drtree"
)

// loopTree walks in circles (pick → check → act → pick), so engineers
// racing each other always have a next move.
const loopTree = `root: pick
branches:
  - {id: loop, name: Loop, start: pick}
nodes:
  - id: pick
    kind: choice
    title: Pick
    options:
      - {label: go on, next: check}
      - {label: stop, next: done}
  - id: check
    kind: check
    title: Check?
    yes: act
    no: pick
  - id: act
    kind: action
    title: Act
    action: {kind: restart, target: svc}
    on_ok: pick
    on_fail: check
  - id: done
    kind: resolved
    title: RESOLVED
`

func loop(t testing.TB) *drtree.Tree {
	tr, err := drtree.Parse("loop.yaml", []byte(loopTree))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// engineer adds notes "<name>-<i>" and, after each, tries the move the
// board shows; it returns how many moves were taken and how many refused
// because another engineer moved first.
func engineer(d *Desk, name string, notes int) (moved, refused int, err error) {
	who := ana
	who.User = name
	for i := range notes {
		if err := d.Note(who, fmt.Sprintf("%s-%d", name, i)); err != nil {
			return moved, refused, err
		}
		b := d.Board()
		node := b.Walk.Current().ID
		var merr error
		switch node {
		case "pick":
			merr = d.Choose(who, node, 0)
		case "check":
			merr = d.Answer(who, node, i%2 == 0)
		case "act":
			merr = d.ActionByHand(who, node, true)
		}
		switch {
		case merr == nil:
			moved++
		case errors.Is(merr, ErrMoved):
			refused++
		default:
			return moved, refused, merr
		}
	}
	return moved, refused, nil
}

// checkRace verifies the incident after engineers raced: every note once
// and in each engineer's order, and the walk's path exactly the moves that
// were taken, each on the timeline in path order under its taker's name.
func checkRace(t *testing.T, dir string, tr *drtree.Tree, notes map[string]int, moves int) {
	t.Helper()
	_, inc, err := Open(dir)
	if err != nil || inc == nil {
		t.Fatalf("reopen: %v %v", inc, err)
	}
	w, err := tr.Resume(inc.Walk)
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]int{}
	var steps []Event
	for _, e := range inc.Timeline[1:] {
		switch e.Kind {
		case EventNote:
			name, i, ok := strings.Cut(e.Text, "-")
			if n, err := strconv.Atoi(i); !ok || err != nil || n != next[name] {
				t.Fatalf("note %q out of order (want %s-%d)", e.Text, name, next[name])
			}
			next[name]++
		default:
			steps = append(steps, e)
		}
	}
	for name, n := range notes {
		if next[name] != n {
			t.Errorf("%s: %d notes on the timeline, %d added", name, next[name], n)
		}
	}
	path := w.Path()
	if len(path) != moves || len(steps) != moves {
		t.Fatalf("%d moves taken, %d steps on the walk, %d on the timeline", moves, len(path), len(steps))
	}
	for i, s := range path {
		if steps[i].Text != w.Describe(s) || steps[i].Actor != s.By {
			t.Fatalf("step %d: timeline %q by %s, walk %q by %s", i, steps[i].Text, steps[i].Actor, w.Describe(s), s.By)
		}
		if i > 0 && !slicesContain(tr.Node(path[i-1].Node).Successors(), s.Node) {
			t.Fatalf("step %d at %s does not follow %s", i, s.Node, path[i-1].Node)
		}
	}
	if len(path) > 0 && !slicesContain(tr.Node(path[len(path)-1].Node).Successors(), w.Current().ID) {
		t.Fatalf("the walk is at %s, not after its last step", w.Current().ID)
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Two desks on one directory, each with its own Store (two processes as
// far as the lock is concerned), race notes and answers.
func TestTwoDesksRace(t *testing.T) {
	dir := t.TempDir()
	tr := loop(t)
	desks := make([]*Desk, 2)
	for i := range desks {
		d, err := OpenDesk(DeskConfig{Dir: dir, Tree: tr})
		must(t, err)
		desks[i] = d
	}
	_, err := desks[0].Start(ana)
	must(t, err)
	_, err = desks[1].Start(bob) // joins
	must(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	moves, refused := 0, 0
	const notes = 60
	for i, d := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, r, err := engineer(d, fmt.Sprint("e", i), notes)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			moves, refused = moves+m, refused+r
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("%d moves, %d refused as stale", moves, refused)
	checkRace(t, dir, tr, map[string]int{"e0": notes, "e1": notes}, moves)
}

// The same race between real processes: this test binary run twice as a
// child (TestDeskRaceChild), each with its own desk on the directory.
const raceDirEnv, raceNameEnv = "OPSDECK_DESK_RACE_DIR", "OPSDECK_DESK_RACE_NAME"

func TestDeskRaceChild(t *testing.T) {
	dir := os.Getenv(raceDirEnv)
	if dir == "" {
		t.Skip("runs only as a child of TestDeskProcessesRace")
	}
	d, err := OpenDesk(DeskConfig{Dir: dir, Tree: loop(t)})
	must(t, err)
	if d.OpenID() == "" {
		t.Fatal("no open incident in the child")
	}
	m, _, err := engineer(d, os.Getenv(raceNameEnv), 60)
	must(t, err)
	fmt.Printf("moves %d\n", m)
}

func TestDeskProcessesRace(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes")
	}
	dir := t.TempDir()
	tr := loop(t)
	d, err := OpenDesk(DeskConfig{Dir: dir, Tree: tr})
	must(t, err)
	_, err = d.Start(ana)
	must(t, err)
	type child struct {
		cmd    *exec.Cmd
		out    *bufio.Scanner
		stderr *strings.Builder
	}
	var kids []child
	for _, name := range []string{"p0", "p1"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDeskRaceChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), raceDirEnv+"="+dir, raceNameEnv+"="+name)
		out, err := cmd.StdoutPipe()
		must(t, err)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		must(t, cmd.Start())
		kids = append(kids, child{cmd, bufio.NewScanner(out), &stderr})
	}
	moves := 0
	for _, k := range kids {
		n := -1
		for k.out.Scan() {
			if s, ok := strings.CutPrefix(k.out.Text(), "moves "); ok {
				n, _ = strconv.Atoi(s)
			}
		}
		if err := k.cmd.Wait(); err != nil || n < 0 {
			t.Fatalf("child: %v (moves %d)\n%s", err, n, k.stderr.String())
		}
		moves += n
	}
	checkRace(t, dir, tr, map[string]int{"p0": 60, "p1": 60}, moves)
}
