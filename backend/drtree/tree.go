// Package drtree is the disaster-recovery decision tree as data: a YAML
// file of contacts, branches and nodes (questions, checks against live
// data, actions the console can run, manual steps, timed waits), parsed
// and validated with positions, and a walker that records every step so
// an incident can store the walk and resume it after a restart. The
// embedded default encodes the seed's "Disaster Recovery Flowchart".
//
// The package does no terminal and no network I/O: live answers come from
// a Probe the caller supplies, times are passed in.
package drtree

import (
	_ "embed"
	"time"

	"github.com/manacore/opsdeck/backend/yamlpos"
)

// Kind is what a node asks of the engineer.
type Kind string

const (
	KindChoice   Kind = "choice"   // a question with options, each leading on
	KindCheck    Kind = "check"    // a yes/no question, maybe answered from live data
	KindAction   Kind = "action"   // a fleet action the console can run
	KindManual   Kind = "manual"   // a step the engineer does and ticks off
	KindWait     Kind = "wait"     // a timed wait
	KindResolved Kind = "resolved" // the end of a walk
)

var kinds = []Kind{KindChoice, KindCheck, KindAction, KindManual, KindWait, KindResolved}

// Live names of checks the console can answer from its snapshot.
const (
	LiveHealthFailing   = "health_failing"   // the {service}'s health check fails
	LiveHealthPassing   = "health_passing"   // the {service}'s health check passes
	LiveDatabaseDown    = "database_down"    // the {database} does not answer
	LiveDatabaseUp      = "database_up"      // the {database} answers
	LiveServicesHealthy = "services_healthy" // every service is healthy
	LiveServerDown      = "server_down"      // the whole server is unreachable
)

var lives = []string{LiveHealthFailing, LiveHealthPassing, LiveDatabaseDown, LiveDatabaseUp, LiveServicesHealthy, LiveServerDown}

// Action kinds a tree may name; they are backend.ActionKind values.
var actionKinds = []string{"restart", "stop", "start", "rollback", "restore", "command"}

// Vars are the incident's variables (service, database), filled in when a
// node asks for them and substituted into {name} placeholders.
type Vars map[string]string

// Probe answers a check from live data: known=false means it cannot tell
// (no data, stale source) and the engineer must answer.
type Probe func(live string, vars Vars) (answer bool, evidence string, known bool)

// Pos is a 1-based line and column in the tree's YAML; zero is unknown.
type Pos = yamlpos.Pos

// Tree is a parsed, validated decision tree. It is immutable.
type Tree struct {
	File     string
	Root     string
	Contacts map[string]Contact
	Branches []*Branch
	Nodes    map[string]*Node
	order    []string           // node IDs in file order
	branchOf map[string]*Branch // branch by its start node
}

// Contact is someone to call; both fields are free text.
type Contact struct {
	Name  string // the key in the file, e.g. "devops_lead"
	Who   string // "DevOps lead"
	Phone string
}

// Branch is one recovery path, entered at Start.
type Branch struct {
	ID         string
	Name       string
	Start      string
	RTO        time.Duration // recovery time objective; 0 when none is set
	RPO        time.Duration // recovery point objective; 0 when none is set
	Escalation *Escalation   // nil when the branch names none
}

// Escalation says when to call whom.
type Escalation struct {
	When     string    // "2+ restarts fail"
	Contacts []Contact // in the order the file names them
}

// Option is one answer of a choice node.
type Option struct {
	Label string
	Next  string
}

// ActionSpec is the action an action node runs; Target and Params may hold
// {var} placeholders.
type ActionSpec struct {
	Kind   string
	Target string
	Params map[string]string
}

// Node is one step of the tree.
type Node struct {
	ID    string
	Kind  Kind
	Title string
	Text  string
	// Ask lists vars the wizard must fill before the node can be done.
	Ask []string
	// Escalate marks the node where the branch's escalation is due: the
	// wizard shows it prominently there (not only in its side panel).
	Escalate bool

	Options []Option // choice
	Live    string   // check: optional live answer
	Yes, No string   // check
	Action  *ActionSpec
	OnOK    string        // action
	OnFail  string        // action
	Items   []string      // manual checklist
	Next    string        // manual, wait
	For     time.Duration // wait
	// HandOver, on a resolved node, is who takes the incident over: the
	// walk ends there without the incident being resolved (a security
	// breach is handed to the Security team).
	HandOver *Contact

	Pos Pos // where the node starts in the file
}

// Successors are the nodes this node can lead to, in a stable order.
func (n *Node) Successors() []string {
	var out []string
	switch n.Kind {
	case KindChoice:
		for _, o := range n.Options {
			out = append(out, o.Next)
		}
	case KindCheck:
		out = []string{n.Yes, n.No}
	case KindAction:
		out = []string{n.OnOK, n.OnFail}
	case KindManual, KindWait:
		out = []string{n.Next}
	}
	return out
}

// Node returns the node with id, nil when there is none.
func (t *Tree) Node(id string) *Node { return t.Nodes[id] }

// NodeIDs lists node IDs in file order.
func (t *Tree) NodeIDs() []string { return append([]string(nil), t.order...) }

// BranchStartingAt is the branch whose first node is id, nil for none.
func (t *Tree) BranchStartingAt(id string) *Branch { return t.branchOf[id] }

// BranchByName finds a branch by its ID or display name.
func (t *Tree) BranchByName(name string) *Branch {
	for _, b := range t.Branches {
		if b.ID == name || b.Name == name {
			return b
		}
	}
	return nil
}

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML is the embedded default tree, for `opsdeck drtree --dump`
// style use and as a starting point for a replacement file.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Default parses the embedded default tree. It cannot fail in a released
// build (a test parses it), so an error here is a programming error.
func Default() *Tree {
	t, err := Parse("default.yaml", defaultYAML)
	if err != nil {
		panic("drtree: embedded default.yaml: " + err.Error())
	}
	return t
}
