package drtree

import (
	"errors"
	"strings"
	"testing"
)

// small is a valid tree; the bad cases below each break one thing in it.
const small = `root: start
contacts:
  lead: {who: Lead, phone: "+1 555"}
branches:
  - id: crash
    name: Crash
    start: check
    rto: 2m
    escalation: {when: twice, call: [lead]}
nodes:
  - id: start
    kind: choice
    title: What failed?
    options:
      - {label: Crash, next: check}
  - id: check
    kind: check
    title: Failing?
    live: health_failing
    yes: fix
    no: done
  - id: fix
    kind: action
    title: Restart
    action: {kind: restart, target: "{service}"}
    on_ok: pause
    on_fail: check
  - id: pause
    kind: wait
    title: Wait
    for: 30s
    next: done
  - id: done
    kind: resolved
    title: RESOLVED
`

func TestParseSmall(t *testing.T) {
	tr, err := Parse("t.yaml", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	b := tr.BranchStartingAt("check")
	if b == nil || b.RTO.String() != "2m0s" || b.Escalation.String() != "Lead (+1 555)" {
		t.Fatalf("branch = %+v", b)
	}
	if n := tr.Node("check"); n.Pos != (Pos{Line: 16, Col: 5}) {
		t.Errorf("check at %v, want 16:5", n.Pos)
	}
	handed, err := Parse("t.yaml", []byte(small+"    handover: lead\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c := handed.Node("done").HandOver; c == nil || c.Who != "Lead" {
		t.Fatalf("done hands over to %+v, want Lead", c)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown key", "    live: health_failing\n", "    live: health_failing\n    colour: red\n",
			`t.yaml:20:5: unknown key "colour"`},
		{"duplicate id", "  - id: done\n", "  - id: fix\n    kind: resolved\n    title: x\n  - id: done\n",
			`t.yaml:33:9: node "fix" is defined twice (first at line 22)`},
		{"dangling yes", "    yes: fix\n", "    yes: fixx\n",
			`t.yaml:20:10: node check: no node "fixx"`},
		{"dangling option", "{label: Crash, next: check}", "{label: Crash, next: nowhere}",
			`t.yaml:15:30: node start: no node "nowhere"`},
		{"dangling root", "root: start\n", "root: begin\n",
			`t.yaml:1:7: root: no node "begin"`},
		{"unknown kind", "    kind: wait\n", "    kind: sleep\n",
			`t.yaml:29:11: node pause: unknown kind "sleep" (valid: choice, check, action, manual, wait, resolved)`},
		{"unknown action", "{kind: restart,", "{kind: reboot,",
			`t.yaml:25:20: node fix: unknown action kind "reboot" (valid: restart, stop, start, rollback, restore, command)`},
		{"unknown live", "live: health_failing", "live: cpu_high",
			`t.yaml:19:11: node check: unknown live check "cpu_high" (valid: health_failing, health_passing, database_down, database_up, services_healthy, server_down)`},
		{"bad wait", "    for: 30s\n", "    for: 30 seconds\n",
			`t.yaml:31:10: node pause: for: "30 seconds" is not a positive duration (write it like 30s, 20m, 2h)`},
		{"bad rto", "    rto: 2m\n", "    rto: 2 min\n",
			`t.yaml:8:10: branch crash: rto: "2 min" is not a positive duration (write it like 30s, 20m, 2h)`},
		{"unknown contact", "call: [lead]", "call: [boss]",
			`t.yaml:9:38: branch crash: escalation calls "boss", which is not in contacts`},
		{"field of another kind", "    for: 30s\n", "    for: 30s\n    yes: done\n",
			`t.yaml:32:5: node pause: a wait node takes no yes (it takes: for, next)`},
		{"missing no", "    no: done\n", "",
			`t.yaml:16:5: node check: a check node needs no`},
		{"unreachable", "  - id: done\n", "  - id: orphan\n    kind: resolved\n    title: x\n  - id: done\n",
			`t.yaml:33:5: node orphan cannot be reached from the root "start"`},
		{"bad placeholder", `target: "{service}"`, `target: "{service"`,
			`t.yaml:25:37: node fix: "{service": { without }`},
		{"syntax", "{label: Crash, next: check}", "{label: Crash, next: check",
			`t.yaml:16:3: ',' or '}' must be specified`},
		{"hand-over to nobody", "    title: RESOLVED\n", "    title: RESOLVED\n    handover: security\n",
			`t.yaml:36:15: node done: handover: no contact "security" (contacts: lead)`},
		{"hand-over mid-walk", "    for: 30s\n", "    for: 30s\n    handover: lead\n",
			`t.yaml:32:5: node pause: a wait node takes no handover (it takes: for, next)`},
		{"second document", "    title: RESOLVED\n", "    title: RESOLVED\n---\nroot: x\n",
			`t.yaml:37:1: a second YAML document (after ---); a tree is a single document`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(small, c.old) {
				t.Fatalf("case does not apply: %q not in the tree", c.old)
			}
			src := strings.Replace(small, c.old, c.new, 1)
			_, err := Parse("t.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error, want %s", c.want)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if got := err.Error(); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestParseEmptyAndNoResolved(t *testing.T) {
	if _, err := Parse("e.yaml", []byte("# nothing\n")); err == nil || err.Error() != "e.yaml: the tree is empty; it needs root, branches and nodes" {
		t.Errorf("empty: %v", err)
	}
	// A reachable loop with no way out, in an otherwise good tree.
	src := strings.Replace(small, "      - {label: Crash, next: check}\n",
		"      - {label: Crash, next: check}\n      - {label: Loop, next: loop}\n", 1) +
		"  - {id: loop, kind: wait, title: L, for: 1s, next: loop}\n"
	if _, err := Parse("t.yaml", []byte(src)); err == nil ||
		err.Error() != "t.yaml:37:5: node loop leads to no resolved node (every path from it loops or stops)" {
		t.Errorf("loop: %v", err)
	}
	src = "root: a\nnodes:\n  - {id: a, kind: wait, title: A, for: 1s, next: a}\n"
	if _, err := Parse("n.yaml", []byte(src)); err == nil || err.Error() != "n.yaml:1:1: the tree has no resolved node: no walk could ever end" {
		t.Errorf("no resolved: %v", err)
	}
}

func TestDefaultParses(t *testing.T) {
	tr, err := Parse("default.yaml", DefaultYAML())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // branch → RTO, RPO, escalation, as the seed states them
		"Service crash":       "2m0s 0s DevOps lead",
		"Database corruption": "20m0s 24h0m0s Database admin + CTO",
		"Full server failure": "2h0m0s 0s Infrastructure team + CEO",
		"Security breach":     "0s 0s Security team + Legal",
	}
	for name, w := range want {
		b := tr.BranchByName(name)
		if b == nil {
			t.Errorf("no branch %q", name)
			continue
		}
		if got := b.RTO.String() + " " + b.RPO.String() + " " + b.Escalation.String(); got != w {
			t.Errorf("%s: %s, want %s", name, got, w)
		}
	}
	root := tr.Node(tr.Root)
	var labels []string
	for _, o := range root.Options {
		labels = append(labels, o.Label)
		if tr.BranchStartingAt(o.Next) == nil {
			t.Errorf("root option %q does not start a branch", o.Label)
		}
	}
	if got := strings.Join(labels, "|"); got != "Service crash|Database corruption|Full server failure|Security breach" {
		t.Errorf("root options %s", got)
	}
}
