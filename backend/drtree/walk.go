package drtree

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// ByLive is the Step.By of an answer taken from live data.
const ByLive = "live"

// Step is one move of a walk: what was answered at which node, by whom.
type Step struct {
	Node   string `json:"node"`
	Kind   Kind   `json:"kind"`
	Answer string `json:"answer"` // option label, yes/no, ok/failed, done, waited/skipped
	Choice int    `json:"choice,omitempty"`
	// By is the operator, or ByLive when a Probe answered.
	By string `json:"by"`
	// Evidence is the live data behind an answer, or an action's detail.
	Evidence string    `json:"evidence,omitempty"`
	At       time.Time `json:"at"`
}

// State is a walk as data: stored with the incident, resumed by
// Tree.Resume after a restart.
type State struct {
	Node    string    `json:"node"`
	Started time.Time `json:"started"`
	// Entered is when the current node was reached; a wait counts from it.
	Entered time.Time `json:"entered"`
	Path    []Step    `json:"path,omitempty"`
	Vars    Vars      `json:"vars,omitempty"`
	// Ticked holds the ticked checklist items (indexes) per manual node.
	Ticked map[string][]int `json:"ticked,omitempty"`
}

func (s State) clone() State {
	c := s
	c.Path = slices.Clone(s.Path)
	c.Vars = Vars{}
	for k, v := range s.Vars {
		c.Vars[k] = v
	}
	c.Ticked = map[string][]int{}
	for k, v := range s.Ticked {
		c.Ticked[k] = slices.Clone(v)
	}
	return c
}

// Walker walks a tree. It is not safe for concurrent use; the wizard owns
// it and hands State() to the incident store after every move.
type Walker struct {
	tree *Tree
	st   State
}

// Start begins a walk at the root.
func (t *Tree) Start(at time.Time) *Walker {
	return &Walker{tree: t, st: State{Node: t.Root, Started: at, Entered: at, Vars: Vars{}, Ticked: map[string][]int{}}}
}

// Resume continues a stored walk. It fails when the tree no longer has a
// node the walk went through (the tree file was changed under it).
func (t *Tree) Resume(s State) (*Walker, error) {
	if t.Nodes[s.Node] == nil {
		return nil, fmt.Errorf("drtree: cannot resume: the tree has no node %q", s.Node)
	}
	for _, st := range s.Path {
		if t.Nodes[st.Node] == nil {
			return nil, fmt.Errorf("drtree: cannot resume: the tree has no node %q", st.Node)
		}
	}
	return &Walker{tree: t, st: s.clone()}, nil
}

// State is a copy of the walk for storing.
func (w *Walker) State() State { return w.st.clone() }

// Tree is the tree being walked.
func (w *Walker) Tree() *Tree { return w.tree }

// Current is the node the walk is at.
func (w *Walker) Current() *Node { return w.tree.Nodes[w.st.Node] }

// Finished reports whether the walk reached a resolved node.
func (w *Walker) Finished() bool { return w.Current().Kind == KindResolved }

// HandedOver is who the walk's end hands the incident to, nil when it ends
// resolved (or has not ended).
func (w *Walker) HandedOver() *Contact {
	if !w.Finished() {
		return nil
	}
	return w.Current().HandOver
}

// Path is the steps taken so far, oldest first.
func (w *Walker) Path() []Step { return slices.Clone(w.st.Path) }

// Branch is the branch the walk is in: the last branch whose first node it
// passed through, nil before one was chosen. A walk can change branch, as
// when a "full server failure" turns out to be a service crash.
func (w *Walker) Branch() *Branch {
	b := w.tree.BranchStartingAt(w.st.Node)
	for i := len(w.st.Path) - 1; b == nil && i >= 0; i-- {
		b = w.tree.BranchStartingAt(w.st.Path[i].Node)
	}
	return b
}

// Escalation is the current branch's escalation (who to call when), nil
// if none; show it in a side panel throughout the branch.
func (w *Walker) Escalation() *Escalation {
	if b := w.Branch(); b != nil {
		return b.Escalation
	}
	return nil
}

// EscalationDue reports whether the current node is where the branch says
// to call its escalation contacts.
func (w *Walker) EscalationDue() bool { return w.Current().Escalate && w.Escalation() != nil }

// Vars is a copy of the walk's variables.
func (w *Walker) Vars() Vars { return w.State().Vars }

// NeedVars lists the variables the current node needs that are not set
// yet: its ask: list, then placeholders of its action.
func (w *Walker) NeedVars() []string {
	n := w.Current()
	want := slices.Clone(n.Ask)
	if a := n.Action; a != nil {
		ps, _ := placeholders(a.Target)
		want = append(want, ps...)
		for _, k := range sortedKeys(a.Params) {
			ps, _ := placeholders(a.Params[k])
			want = append(want, ps...)
		}
	}
	var out []string
	for _, v := range want {
		if w.st.Vars[v] == "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// SetVar sets a variable. Values go into Docker calls and remote commands,
// so they must be plain identifiers (backend.ValidIdent).
func (w *Walker) SetVar(name, value string) error {
	if !varRE.MatchString(name) {
		return fmt.Errorf("drtree: %q is not a variable name", name)
	}
	if !backend.ValidIdent(value) {
		return fmt.Errorf("drtree: %s %q: use letters, digits, _ . - only", name, value)
	}
	if w.st.Vars == nil {
		w.st.Vars = Vars{}
	}
	w.st.Vars[name] = value
	return nil
}

// Render fills {var} placeholders in s for the screen: an unset one
// reads "the service" (never a raw "{service}": the step asks for it).
func (w *Walker) Render(s string) string {
	s = w.fill(s)
	names, err := placeholders(s)
	if err != nil {
		return s
	}
	for _, n := range names {
		s = strings.ReplaceAll(s, "{"+n+"}", "the "+strings.ReplaceAll(n, "_", " "))
	}
	return s
}

// fill substitutes the set variables; unset ones stay as written, so an
// action built too early fails its identifier check instead of acting on
// words.
func (w *Walker) fill(s string) string {
	for k, v := range w.st.Vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// Title and Text are the current node's, rendered.
func (w *Walker) Title() string { return w.Render(w.Current().Title) }
func (w *Walker) Text() string  { return w.Render(w.Current().Text) }

// Action is the current action node's action with its variables filled
// in; the caller sets ID and Actor, plans, confirms and runs it, then
// reports with ActionDone.
func (w *Walker) Action() (backend.Action, error) {
	n := w.Current()
	if err := w.ready(n, KindAction); err != nil {
		return backend.Action{}, err
	}
	a := backend.Action{Kind: backend.ActionKind(n.Action.Kind), Target: w.fill(n.Action.Target)}
	if !backend.ValidIdent(a.Target) {
		return backend.Action{}, fmt.Errorf("drtree: node %s: target %q is not a plain name", n.ID, a.Target)
	}
	for k, v := range n.Action.Params {
		if a.Params == nil {
			a.Params = map[string]string{}
		}
		a.Params[k] = w.fill(v)
	}
	return a, nil
}

// ErrNotReady is matched by the error of a move the current node does not
// allow yet (wrong kind, a variable or checklist item missing).
var ErrNotReady = errors.New("not ready")

func (w *Walker) ready(n *Node, k Kind) error {
	if n.Kind != k {
		return fmt.Errorf("drtree: node %s is a %s step, not %s: %w", n.ID, n.Kind, k, ErrNotReady)
	}
	if need := w.NeedVars(); len(need) > 0 {
		return fmt.Errorf("drtree: node %s needs %s first: %w", n.ID, strings.Join(need, ", "), ErrNotReady)
	}
	return nil
}

func (w *Walker) move(s Step, next string) {
	s.Node, s.Kind = w.st.Node, w.Current().Kind
	w.st.Path = append(w.st.Path, s)
	w.st.Node, w.st.Entered = next, s.At
}

// Choose picks option i (0-based) of a choice node.
func (w *Walker) Choose(i int, by string, at time.Time) error {
	n := w.Current()
	if err := w.ready(n, KindChoice); err != nil {
		return err
	}
	if i < 0 || i >= len(n.Options) {
		return fmt.Errorf("drtree: node %s has no option %d", n.ID, i+1)
	}
	w.move(Step{Answer: n.Options[i].Label, Choice: i, By: by, At: at}, n.Options[i].Next)
	return nil
}

// Answer answers a check node; by is the operator or ByLive.
func (w *Walker) Answer(yes bool, by, evidence string, at time.Time) error {
	n := w.Current()
	if err := w.ready(n, KindCheck); err != nil {
		return err
	}
	s := Step{Answer: "no", By: by, Evidence: evidence, At: at}
	next := n.No
	if yes {
		s.Answer, next = "yes", n.Yes
	}
	w.move(s, next)
	return nil
}

// AutoAnswer answers the current check from live data when it has a live:
// question and the probe knows; answered=false leaves it to the operator.
func (w *Walker) AutoAnswer(p Probe, at time.Time) (answered bool, err error) {
	n := w.Current()
	if p == nil || n.Kind != KindCheck || n.Live == "" || len(w.NeedVars()) > 0 {
		return false, nil
	}
	yes, evidence, known := p(n.Live, w.Vars())
	if !known {
		return false, nil
	}
	return true, w.Answer(yes, ByLive, evidence, at)
}

// ActionDone records how the current action ended and moves on.
func (w *Walker) ActionDone(ok bool, detail, by string, at time.Time) error {
	n := w.Current()
	if err := w.ready(n, KindAction); err != nil {
		return err
	}
	s := Step{Answer: "failed", By: by, Evidence: detail, At: at}
	next := n.OnFail
	if ok {
		s.Answer, next = "ok", n.OnOK
	}
	w.move(s, next)
	return nil
}

// Tick ticks (or unticks) checklist item i of the current manual node.
func (w *Walker) Tick(i int, done bool) error {
	n := w.Current()
	if n.Kind != KindManual || i < 0 || i >= len(n.Items) {
		return fmt.Errorf("drtree: node %s has no checklist item %d", n.ID, i+1)
	}
	if w.st.Ticked == nil {
		w.st.Ticked = map[string][]int{}
	}
	t := slices.DeleteFunc(w.st.Ticked[n.ID], func(x int) bool { return x == i })
	if done {
		t = append(t, i)
		slices.Sort(t)
	}
	w.st.Ticked[n.ID] = t
	return nil
}

// Ticked reports whether item i of the current node is ticked.
func (w *Walker) Ticked(i int) bool { return slices.Contains(w.st.Ticked[w.st.Node], i) }

// Complete finishes a manual step; every checklist item must be ticked.
func (w *Walker) Complete(by string, at time.Time) error {
	n := w.Current()
	if err := w.ready(n, KindManual); err != nil {
		return err
	}
	if left := len(n.Items) - len(w.st.Ticked[n.ID]); left > 0 {
		return fmt.Errorf("drtree: %d of %d items of %q not ticked: %w", left, len(n.Items), n.Title, ErrNotReady)
	}
	w.move(Step{Answer: "done", By: by, At: at}, n.Next)
	return nil
}

// WaitLeft is how much of the current wait remains at now (0 when over
// or not waiting); it counts from State.Entered, so it survives a resume.
func (w *Walker) WaitLeft(now time.Time) time.Duration {
	n := w.Current()
	if n.Kind != KindWait {
		return 0
	}
	return max(0, n.For-now.Sub(w.st.Entered))
}

// WaitDone ends the current wait; ended early, the step says "skipped".
func (w *Walker) WaitDone(by string, at time.Time) error {
	n := w.Current()
	if err := w.ready(n, KindWait); err != nil {
		return err
	}
	s := Step{Answer: "waited " + n.For.String(), By: by, At: at}
	if left := w.WaitLeft(at); left > 0 {
		s.Answer = fmt.Sprintf("skipped after %s", at.Sub(w.st.Entered).Round(time.Second))
	}
	w.move(s, n.Next)
	return nil
}

// Back undoes the last step: the walk returns to the node it was taken
// at. Variables and ticks are kept.
func (w *Walker) Back() error {
	if len(w.st.Path) == 0 {
		return fmt.Errorf("drtree: at the first step, nothing to undo: %w", ErrNotReady)
	}
	last := w.st.Path[len(w.st.Path)-1]
	w.st.Path = w.st.Path[:len(w.st.Path)-1]
	w.st.Node, w.st.Entered = last.Node, w.st.Started
	if len(w.st.Path) > 0 {
		w.st.Entered = w.st.Path[len(w.st.Path)-1].At
	}
	return nil
}

// Describe is one line for the incident timeline about step s:
// "Health check failing? yes (live: 3/3 probes failed)".
func (w *Walker) Describe(s Step) string {
	n := w.tree.Nodes[s.Node]
	title := s.Node
	if n != nil {
		title = w.Render(n.Title)
	}
	line := title + ": " + w.Render(s.Answer)
	switch {
	case s.By == ByLive && s.Evidence != "":
		line += " (live: " + s.Evidence + ")"
	case s.Evidence != "":
		line += " (" + s.Evidence + ")"
	}
	return line
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Escalations lists, once each and in order, the escalations that fell due
// along the path (steps taken at nodes marked escalate), for the report.
func (w *Walker) Escalations() []*Escalation {
	var out []*Escalation
	var cur *Branch
	for _, s := range w.st.Path {
		if b := w.tree.BranchStartingAt(s.Node); b != nil {
			cur = b
		}
		if n := w.tree.Nodes[s.Node]; n != nil && n.Escalate && cur != nil && cur.Escalation != nil &&
			!slices.Contains(out, cur.Escalation) {
			out = append(out, cur.Escalation)
		}
	}
	return out
}

// String is "DevOps lead" or "Database admin + CTO", as ESCALATION PATHS
// writes it.
func (e *Escalation) String() string {
	names := make([]string, len(e.Contacts))
	for i, c := range e.Contacts {
		names[i] = c.Who
		if c.Phone != "" {
			names[i] += " (" + c.Phone + ")"
		}
	}
	return strings.Join(names, " + ")
}
