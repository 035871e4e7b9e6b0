package drtree

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	idRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	varRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// fieldsOf says which kind-specific keys each kind takes; the first list
// is required, the second optional. A key of another kind is an error,
// because a `yes:` on a manual step is a tree that does not do what its
// author thinks.
var fieldsOf = map[Kind][2][]string{
	KindChoice:   {{"options"}, nil},
	KindCheck:    {{"yes", "no"}, {"live"}},
	KindAction:   {{"action", "on_ok", "on_fail"}, nil},
	KindManual:   {{"next"}, {"items"}},
	KindWait:     {{"for", "next"}, nil},
	KindResolved: {nil, {"handover"}},
}

// present lists the kind-specific keys a raw node sets.
func present(n *rawNode) []string {
	var out []string
	add := func(ok bool, key string) {
		if ok {
			out = append(out, key)
		}
	}
	add(len(n.Options) > 0, "options")
	add(n.Live != "", "live")
	add(n.Yes != "", "yes")
	add(n.No != "", "no")
	add(n.Action != nil, "action")
	add(n.OnOK != "", "on_ok")
	add(n.OnFail != "", "on_fail")
	add(len(n.Items) > 0, "items")
	add(n.Next != "", "next")
	add(n.For != "", "for")
	add(n.HandOver != "", "handover")
	return out
}

func (b *builder) build(raw *rawTree) *Tree {
	t := &Tree{
		File: b.file, Root: raw.Root, Contacts: map[string]Contact{},
		Nodes: map[string]*Node{}, branchOf: map[string]*Branch{},
	}
	for name, c := range raw.Contacts {
		if c.Who == "" {
			b.errAt(b.loc.keyAt("contacts", name), "contact %q: who is required (e.g. who: DevOps lead)", name)
		}
		t.Contacts[name] = Contact{Name: name, Who: c.Who, Phone: c.Phone}
	}
	b.nodes(raw, t)
	b.branches(raw, t)
	if raw.Root == "" {
		b.errAt(Pos{Line: 1, Col: 1}, "root is required: the ID of the first node")
	} else if t.Nodes[raw.Root] == nil {
		b.errAt(b.loc.at("root"), "root: no node %q", raw.Root)
	}
	if len(b.errs) == 0 {
		b.reachability(t)
	}
	return t
}

func (b *builder) nodes(raw *rawTree, t *Tree) {
	built := map[int]bool{} // indexes of nodes with a usable, unique ID
	for i := range raw.Nodes {
		rn := &raw.Nodes[i]
		at := func(path ...any) Pos { return b.loc.at(append([]any{"nodes", i}, path...)...) }
		where := fmt.Sprintf("nodes[%d]", i)
		switch {
		case rn.ID == "":
			b.errAt(at(), "%s: id is required", where)
			continue
		case !idRE.MatchString(rn.ID):
			b.errAt(at("id"), "%s: id %q: use letters, digits, _ . - only", where, rn.ID)
			continue
		case t.Nodes[rn.ID] != nil:
			b.errAt(at("id"), "node %q is defined twice (first at line %d)", rn.ID, t.Nodes[rn.ID].Pos.Line)
			continue
		}
		where = "node " + rn.ID
		n := &Node{
			ID: rn.ID, Kind: Kind(rn.Kind), Title: rn.Title, Text: rn.Text, Ask: rn.Ask, Escalate: rn.Escalate,
			Live: rn.Live, Yes: rn.Yes, No: rn.No, OnOK: rn.OnOK, OnFail: rn.OnFail,
			Items: rn.Items, Next: rn.Next, Pos: at(),
		}
		t.Nodes[n.ID] = n
		built[i] = true
		t.order = append(t.order, n.ID)
		if rn.Title == "" {
			b.errAt(at(), "%s: title is required", where)
		}
		fields, ok := fieldsOf[n.Kind]
		if !ok {
			b.errAt(at("kind"), "%s: unknown kind %q (valid: %s)", where, rn.Kind, joinKinds())
			continue
		}
		for _, key := range present(rn) {
			if !slices.Contains(fields[0], key) && !slices.Contains(fields[1], key) {
				b.errAt(b.loc.keyAt("nodes", i, key), "%s: a %s node takes no %s (it takes: %s)", where, n.Kind, key, takes(fields))
			}
		}
		for _, key := range fields[0] {
			if !slices.Contains(present(rn), key) {
				b.errAt(at(), "%s: a %s node needs %s", where, n.Kind, key)
			}
		}
		for j, v := range rn.Ask {
			if !varRE.MatchString(v) {
				b.errAt(at("ask", j), "%s: ask %q: a variable name is lower case letters, digits and _", where, v)
			}
		}
		for j, o := range rn.Options {
			if o.Label == "" {
				b.errAt(at("options", j), "%s: option %d needs a label", where, j+1)
			}
			n.Options = append(n.Options, Option(o))
		}
		if n.Live != "" && !slices.Contains(lives, n.Live) {
			b.errAt(at("live"), "%s: unknown live check %q (valid: %s)", where, n.Live, strings.Join(lives, ", "))
		}
		if n.Kind == KindWait {
			n.For = b.duration(rn.For, where+": for", "nodes", i, "for")
		}
		if rn.HandOver != "" {
			if c, ok := t.Contacts[rn.HandOver]; ok {
				n.HandOver = &c
			} else {
				b.errAt(at("handover"), "%s: handover: no contact %q (contacts: %s)", where, rn.HandOver, contactNames(t))
			}
		}
		if a := rn.Action; a != nil {
			n.Action = &ActionSpec{Kind: a.Kind, Target: a.Target, Params: a.Params}
			b.action(a, where, func(path ...any) Pos { return at(append([]any{"action"}, path...)...) })
		}
	}
	// References are checked once every ID is known.
	for i := range raw.Nodes {
		rn := &raw.Nodes[i]
		if !built[i] {
			continue
		}
		ref := func(id string, path ...any) {
			if id != "" && t.Nodes[id] == nil {
				b.errAt(b.loc.at(append([]any{"nodes", i}, path...)...), "node %s: no node %q", rn.ID, id)
			}
		}
		for j, o := range rn.Options {
			if o.Next == "" {
				b.errAt(b.loc.at("nodes", i, "options", j), "node %s: option %d needs next", rn.ID, j+1)
			}
			ref(o.Next, "options", j, "next")
		}
		ref(rn.Yes, "yes")
		ref(rn.No, "no")
		ref(rn.OnOK, "on_ok")
		ref(rn.OnFail, "on_fail")
		ref(rn.Next, "next")
	}
}

func contactNames(t *Tree) string {
	names := make([]string, 0, len(t.Contacts))
	for n := range t.Contacts {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func (b *builder) action(a *rawAction, where string, at func(path ...any) Pos) {
	if !slices.Contains(actionKinds, a.Kind) {
		b.errAt(at("kind"), "%s: unknown action kind %q (valid: %s)", where, a.Kind, strings.Join(actionKinds, ", "))
	}
	if a.Target == "" {
		b.errAt(at(), "%s: action needs a target", where)
	}
	check := func(s string, path ...any) {
		if _, err := placeholders(s); err != nil {
			b.errAt(at(path...), "%s: %v", where, err)
		}
	}
	check(a.Target, "target")
	for k, v := range a.Params {
		check(v, "params", k)
	}
}

func (b *builder) branches(raw *rawTree, t *Tree) {
	seen := map[string]int{}
	for i, rb := range raw.Branches {
		at := func(path ...any) Pos { return b.loc.at(append([]any{"branches", i}, path...)...) }
		if rb.ID == "" {
			b.errAt(at(), "branches[%d]: id is required", i)
			continue
		}
		if first, dup := seen[rb.ID]; dup {
			b.errAt(at("id"), "branch %q is defined twice (first at line %d)", rb.ID, b.loc.at("branches", first).Line)
			continue
		}
		seen[rb.ID] = i
		where := "branch " + rb.ID
		br := &Branch{ID: rb.ID, Name: rb.Name, Start: rb.Start}
		if br.Name == "" {
			b.errAt(at(), "%s: name is required", where)
		}
		switch {
		case rb.Start == "":
			b.errAt(at(), "%s: start is required (its first node)", where)
		case t.Nodes[rb.Start] == nil:
			b.errAt(at("start"), "%s: start: no node %q", where, rb.Start)
		case t.branchOf[rb.Start] != nil:
			b.errAt(at("start"), "%s: starts at %q like branch %s", where, rb.Start, t.branchOf[rb.Start].ID)
		default:
			t.branchOf[rb.Start] = br
		}
		br.RTO = b.duration(rb.RTO, where+": rto", "branches", i, "rto")
		br.RPO = b.duration(rb.RPO, where+": rpo", "branches", i, "rpo")
		if e := rb.Escalation; e != nil {
			br.Escalation = &Escalation{When: e.When}
			if len(e.Call) == 0 {
				b.errAt(at("escalation"), "%s: escalation needs call: the contacts to call", where)
			}
			for j, name := range e.Call {
				c, ok := t.Contacts[name]
				if !ok {
					b.errAt(at("escalation", "call", j), "%s: escalation calls %q, which is not in contacts", where, name)
				}
				br.Escalation.Contacts = append(br.Escalation.Contacts, c)
			}
		}
		t.Branches = append(t.Branches, br)
	}
}

// reachability checks that every node can be reached from the root and
// that from every node some resolved node can be reached (loops such as a
// retry are fine as long as there is a way out).
func (b *builder) reachability(t *Tree) {
	from := map[string]bool{t.Root: true}
	queue := []string{t.Root}
	preds := map[string][]string{}
	for _, id := range t.order {
		for _, s := range t.Nodes[id].Successors() {
			preds[s] = append(preds[s], id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, s := range t.Nodes[id].Successors() {
			if !from[s] {
				from[s] = true
				queue = append(queue, s)
			}
		}
	}
	out := map[string]bool{}
	queue = nil
	for _, id := range t.order {
		if t.Nodes[id].Kind == KindResolved {
			out[id] = true
			queue = append(queue, id)
		}
	}
	if len(queue) == 0 {
		b.errAt(Pos{Line: 1, Col: 1}, "the tree has no resolved node: no walk could ever end")
		return
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, p := range preds[id] {
			if !out[p] {
				out[p] = true
				queue = append(queue, p)
			}
		}
	}
	for _, id := range t.order {
		n := t.Nodes[id]
		if !from[id] {
			b.errAt(n.Pos, "node %s cannot be reached from the root %q", id, t.Root)
		} else if !out[id] {
			b.errAt(n.Pos, "node %s leads to no resolved node (every path from it loops or stops)", id)
		}
	}
}

func joinKinds() string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func takes(f [2][]string) string {
	all := append(append([]string(nil), f[0]...), f[1]...)
	if len(all) == 0 {
		return "nothing but id, kind, title, text, ask, escalate"
	}
	return strings.Join(all, ", ")
}

// placeholders lists the {var} names in s.
func placeholders(s string) ([]string, error) {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			if strings.IndexByte(s, '}') >= 0 {
				return nil, fmt.Errorf("%q: } without {", s)
			}
			return out, nil
		}
		if strings.IndexByte(s[:i], '}') >= 0 {
			return nil, fmt.Errorf("%q: } without {", s)
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("%q: { without }", s)
		}
		name := s[i+1 : i+j]
		if !varRE.MatchString(name) {
			return nil, fmt.Errorf("%q: {%s} is not a variable name", s, name)
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
		s = s[i+j+1:]
	}
}
