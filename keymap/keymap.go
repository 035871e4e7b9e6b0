// Package keymap holds every key binding of opsdeck as data: a struct of
// bubbles key.Bindings grouped for help, each with a stable name the config
// can rebind, and a dangerous flag on bindings that change the fleet so
// read-only mode can drop them in one place.
//
// Keys follow k9s and lazydocker (l logs, r restart, : palette, / filter,
// ? help) and vim (j/k, g/G). Nothing destructive sits on a bare ctrl- key:
// those collide with tmux and readline muscle memory.
package keymap

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is the whole set of bindings. Use Default to get one; it is a
// value owned by the caller, never a package global.
type KeyMap struct {
	// Global.
	Quit, Help, Palette, Refresh, Back key.Binding
	// Navigation.
	Up, Down, PageUp, PageDown, HalfPageUp, HalfPageDown, Top, Bottom key.Binding
	// Tables.
	Open, Filter, Sort, Reverse key.Binding
	// Service inspection.
	Logs, Check, Export key.Binding
	// Actions on the fleet (dangerous).
	Restart, Rollback, Stop, Start, Restore, Silence, Expire key.Binding
	// Blue/green deployments (dangerous).
	ShiftTraffic, Promote, SwitchBack, Decommission, Migrate key.Binding

	// Views are the view switch keys, by view name ("overview" → "1").
	Views map[string]*key.Binding
	// viewOrder keeps view entries in registration order for help.
	viewOrder []string
}

// Entry describes one binding for rebinding, help and read-only mode.
type Entry struct {
	Name      string // config name, e.g. "restart" or "view.services"
	Group     string // help group: global, navigation, table, service, actions, views
	Binding   *key.Binding
	Dangerous bool
}

func bind(help string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), help))
}

// Default returns the default bindings.
func Default() *KeyMap {
	return &KeyMap{
		Quit:    bind("quit", "q", "ctrl+c"),
		Help:    bind("help", "?"),
		Palette: bind("command", ":"),
		Refresh: bind("refresh", "ctrl+r"),
		Back:    bind("back", "esc"),

		Up:       bind("up", "k", "up"),
		Down:     bind("down", "j", "down"),
		PageUp:   bind("page up", "pgup", "ctrl+b"),
		PageDown: bind("page down", "pgdown", "ctrl+f"),
		// ctrl+u and ctrl+d as in vim, less and k9s: moving, never acting,
		// so a bare ctrl- key is safe here.
		HalfPageUp:   bind("half page up", "ctrl+u"),
		HalfPageDown: bind("half page down", "ctrl+d"),
		Top:          bind("top", "g", "home"),
		Bottom:       bind("bottom", "G", "end"),

		Open:    bind("detail", "enter"),
		Filter:  bind("filter", "/"),
		Sort:    bind("sort column", "o"),
		Reverse: bind("reverse sort", "O"),

		Logs:   bind("logs", "l"),
		Check:  bind("run health checks", "c"),
		Export: bind("export report (.md + .json)", "e"),

		Restart:  bind("restart", "r"),
		Rollback: bind("rollback", "R"),
		Stop:     bind("stop", "s"),
		Start:    bind("start", "S"),
		Restore:  bind("restore database from backup", "b"),
		Silence:  bind("silence alert", "m"),
		Expire:   bind("expire silence", "X"),

		ShiftTraffic: bind("shift traffic to colour", "T"),
		Promote:      bind("promote colour to 100%", "P"),
		SwitchBack:   bind("roll back to the other colour", "B"),
		Decommission: bind("decommission old colour", "D"),
		Migrate:      bind("run the migration for the new colour", "M"),

		Views: map[string]*key.Binding{},
	}
}

// AddView registers the switch key of a view; the n-th view (from 1) gets
// the digit n by default, the tenth 0 (the key after 9). It returns the
// binding.
func (k *KeyMap) AddView(name, title string, n int) *key.Binding {
	b := bind(strings.ToLower(title))
	switch {
	case n >= 1 && n <= 9:
		b = bind(strings.ToLower(title), fmt.Sprint(n))
	case n == 10:
		b = bind(strings.ToLower(title), "0")
	}
	k.Views[name] = &b
	k.viewOrder = append(k.viewOrder, name)
	return &b
}

// Entries lists every binding with its name and group.
func (k *KeyMap) Entries() []Entry {
	e := []Entry{
		{"quit", "global", &k.Quit, false},
		{"help", "global", &k.Help, false},
		{"palette", "global", &k.Palette, false},
		{"refresh", "global", &k.Refresh, false},
		{"back", "global", &k.Back, false},
		{"up", "navigation", &k.Up, false},
		{"down", "navigation", &k.Down, false},
		{"page_up", "navigation", &k.PageUp, false},
		{"page_down", "navigation", &k.PageDown, false},
		{"half_page_up", "navigation", &k.HalfPageUp, false},
		{"half_page_down", "navigation", &k.HalfPageDown, false},
		{"top", "navigation", &k.Top, false},
		{"bottom", "navigation", &k.Bottom, false},
		{"open", "table", &k.Open, false},
		{"filter", "table", &k.Filter, false},
		{"sort", "table", &k.Sort, false},
		{"reverse", "table", &k.Reverse, false},
		{"logs", "service", &k.Logs, false},
		{"check", "global", &k.Check, false},
		{"export", "global", &k.Export, false},
		{"restart", "actions", &k.Restart, true},
		{"rollback", "actions", &k.Rollback, true},
		{"stop", "actions", &k.Stop, true},
		{"start", "actions", &k.Start, true},
		{"restore", "actions", &k.Restore, true},
		{"silence", "actions", &k.Silence, true},
		{"expire", "actions", &k.Expire, true},
		{"shift_traffic", "deploy", &k.ShiftTraffic, true},
		{"promote", "deploy", &k.Promote, true},
		{"switch_back", "deploy", &k.SwitchBack, true},
		{"decommission", "deploy", &k.Decommission, true},
		{"migrate", "deploy", &k.Migrate, true},
	}
	for _, name := range k.viewOrder {
		e = append(e, Entry{"view." + name, "views", k.Views[name], false})
	}
	return e
}

// Rebind replaces the keys of the named binding, keeping its help text.
func (k *KeyMap) Rebind(name string, keys []string) error {
	for _, e := range k.Entries() {
		if e.Name != name {
			continue
		}
		if len(keys) == 0 {
			return fmt.Errorf("binding %q needs at least one key", name)
		}
		e.Binding.SetKeys(keys...)
		e.Binding.SetHelp(strings.Join(keys, "/"), e.Binding.Help().Desc)
		return nil
	}
	return fmt.Errorf("unknown key binding %q (known: %s)", name, strings.Join(k.names(), ", "))
}

func (k *KeyMap) names() []string {
	var out []string
	for _, e := range k.Entries() {
		out = append(out, e.Name)
	}
	return out
}

// Conflicts reports keys bound to more than one enabled binding, e.g. after
// a user rebinds restart to "q".
func (k *KeyMap) Conflicts() []string {
	owner := map[string]string{}
	var out []string
	for _, e := range k.Entries() {
		if !e.Binding.Enabled() {
			continue
		}
		for _, key := range e.Binding.Keys() {
			if prev, ok := owner[key]; ok {
				out = append(out, fmt.Sprintf("key %q is bound to both %s and %s", key, prev, e.Name))
				continue
			}
			owner[key] = e.Name
		}
	}
	return out
}

// DropDangerous disables every dangerous binding, so a read-only console
// neither shows nor handles them.
// Refusal is a dangerous binding as it was before DropDangerous, kept so a
// read-only console can say why the key does nothing.
type Refusal struct {
	Name    string // "restart", "shift traffic"
	Binding key.Binding
}

// DropDangerous disables every dangerous binding (read-only mode: they
// neither act nor show in help) and returns them as they were, so the
// caller can refuse them by name.
func (k *KeyMap) DropDangerous() []Refusal {
	var out []Refusal
	for _, e := range k.Entries() {
		if e.Dangerous {
			out = append(out, Refusal{Name: strings.ReplaceAll(e.Name, "_", " "), Binding: *e.Binding})
		}
	}
	k.dropDangerous()
	return out
}

func (k *KeyMap) dropDangerous() {
	for _, e := range k.Entries() {
		if e.Dangerous {
			e.Binding.SetEnabled(false)
		}
	}
}

// IsDangerous reports whether b is one of the dangerous bindings (compared
// by identity, so pass a pointer into this KeyMap).
func (k *KeyMap) IsDangerous(b *key.Binding) bool {
	for _, e := range k.Entries() {
		if e.Binding == b {
			return e.Dangerous
		}
	}
	return false
}

// Navigation returns the navigation bindings for help. The half pages
// share one line: a line more would move Navigation out from under a
// table screen's own keys into a third column, and at 80 columns that
// pushes the global keys off the edge.
func (k *KeyMap) Navigation() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, helpPair(k.HalfPageUp, k.HalfPageDown, "half page ↑/↓"), k.Top, k.Bottom}
}

// helpPair is one help line for two bindings ("ctrl+u/ctrl+d"), for help
// only: matching keys against it is not what it is for.
func helpPair(a, b key.Binding, desc string) key.Binding {
	switch {
	case !a.Enabled():
		return b
	case !b.Enabled():
		return a
	}
	return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(a.Help().Key+"/"+b.Help().Key, desc))
}

// Global returns the global bindings for help, view switches included.
func (k *KeyMap) Global() []key.Binding {
	out := []key.Binding{k.Palette, k.Help, k.Check, k.Export, k.Refresh, k.Back, k.Quit}
	for _, name := range k.viewOrder {
		out = append(out, *k.Views[name])
	}
	return out
}

// Actions returns the action bindings that are still enabled (none in
// read-only mode).
func (k *KeyMap) Actions() []key.Binding {
	var out []key.Binding
	for _, b := range []key.Binding{k.Restart, k.Rollback, k.Stop, k.Start} {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}
