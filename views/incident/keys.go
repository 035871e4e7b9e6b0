package incident

import "charm.land/bubbles/v2/key"

// wizardKeys are the wizard's own keys. They avoid the global ones (q, c,
// e, digits, ?, :) so the shell keeps working inside the wizard.
type wizardKeys struct {
	New, Do, Yes, No, Live, ByHand, Failed, Tick, Undo, Note, Called, Report key.Binding
}

func newWizardKeys() wizardKeys {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	return wizardKeys{
		New:    b("new incident", "n"),
		Do:     b("choose / run / done", "enter"),
		Yes:    b("answer yes", "y"),
		No:     b("answer no", "n"),
		Live:   b("take the live answer", "a"),
		ByHand: b("done by hand", "d"),
		Failed: b("mark failed", "x"),
		Tick:   b("tick item", "space"),
		Undo:   b("undo last step", "u"),
		Note:   b("add a note", "t"),
		Called: b("I called the escalation", "p"),
		Report: b("write the report", "w"),
	}
}

func (w *Wizard) ShortHelp() []key.Binding {
	k := w.keys
	if !w.open() {
		return []key.Binding{k.New, k.Report, k.Tick}
	}
	return []key.Binding{k.Do, k.Yes, k.No, k.Live, k.Tick, k.ByHand, k.Failed, k.Undo, k.Note, k.Called}
}

func (w *Wizard) FullHelp() [][]key.Binding { return [][]key.Binding{w.ShortHelp()} }
