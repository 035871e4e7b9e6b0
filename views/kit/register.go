package kit

// Tab is how a top-level screen registers itself: once, here, for the tab
// bar, its switch key (keymap "view.<Name>"), the palette and help.
type Tab struct {
	// Name is the palette command (":services") and the keymap name.
	Name string
	// Title is the tab label.
	Title string
	// Aliases are the short palette names k9s users type.
	Aliases []string
	New     func(Common) Screen
}

// Command is a screen opened by name rather than shown as a tab: from the
// palette (":silences"), by a key (c), or by another screen (OpenMsg).
type Command struct {
	Name    string
	Help    string
	Aliases []string
	// Open builds the screen for arg (a service for the logs, "" from the
	// palette), or says why it cannot be opened here.
	Open func(c Common, arg string) (Screen, error)
}
