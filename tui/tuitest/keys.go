package tuitest

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// KeyBytes is what a terminal sends for the key named as Bubble Tea v2
// spells it: "enter", "esc", "tab", "shift+tab", "space", "backspace",
// "up", "pgdown", "f5", "ctrl+c", "alt+x", "ctrl+right", or a single
// character ("q", "G", ":"). The encoding is xterm's legacy one, what
// tmux and most terminals send unless a program turns on the kitty
// protocol (opsdeck pushes kitty flags 0: none).
func KeyBytes(name string) (string, error) {
	if utf8.RuneCountInString(name) == 1 {
		return name, nil
	}
	if s, ok := plainKey(name); ok {
		return s, nil
	}
	mods, base := 0, name
	for {
		prefix, rest, ok := strings.Cut(base, "+")
		if !ok || rest == "" {
			break
		}
		bit, known := modBit(prefix)
		if !known {
			return "", fmt.Errorf("key %q: unknown modifier %q", name, prefix)
		}
		mods |= bit
		base = rest
	}
	if mods == 0 {
		return "", fmt.Errorf("key %q: unknown key name", name)
	}
	if s, ok := withMods(base, mods); ok {
		return s, nil
	}
	return "", fmt.Errorf("key %q: a terminal has no legacy encoding for it", name)
}

// Modifier bits as xterm numbers them: the parameter it sends is 1+bits.
const (
	modShift = 1
	modAlt   = 2
	modCtrl  = 4
)

func modBit(name string) (int, bool) {
	switch name {
	case "shift":
		return modShift, true
	case "alt":
		return modAlt, true
	case "ctrl":
		return modCtrl, true
	}
	return 0, false
}

// plainKey is what the named key sends without modifiers.
func plainKey(name string) (string, bool) {
	switch name {
	case "enter":
		return "\r", true
	case "tab":
		return "\t", true
	case "esc":
		return "\x1b", true
	case "backspace":
		return "\x7f", true
	case "space":
		return " ", true
	case "shift+tab":
		return "\x1b[Z", true
	case "f1", "f2", "f3", "f4":
		f, _ := finalKey(name)
		return "\x1bO" + string(f), true // SS3 unless modified
	}
	if f, ok := finalKey(name); ok {
		return "\x1b[" + string(f), true
	}
	if n, ok := tildeKey(name); ok {
		return fmt.Sprintf("\x1b[%d~", n), true
	}
	return "", false
}

// finalKey is the final byte of a key sent as CSI [1;<mod>] <final>.
func finalKey(name string) (byte, bool) {
	switch name {
	case "up":
		return 'A', true
	case "down":
		return 'B', true
	case "right":
		return 'C', true
	case "left":
		return 'D', true
	case "home":
		return 'H', true
	case "end":
		return 'F', true
	case "f1":
		return 'P', true
	case "f2":
		return 'Q', true
	case "f3":
		return 'R', true
	case "f4":
		return 'S', true
	}
	return 0, false
}

// tildeKey is the number of a key sent as CSI <n>[;<mod>] ~.
func tildeKey(name string) (int, bool) {
	switch name {
	case "insert":
		return 2, true
	case "delete":
		return 3, true
	case "pgup":
		return 5, true
	case "pgdown":
		return 6, true
	case "f5":
		return 15, true
	case "f6":
		return 17, true
	case "f7":
		return 18, true
	case "f8":
		return 19, true
	case "f9":
		return 20, true
	case "f10":
		return 21, true
	case "f11":
		return 23, true
	case "f12":
		return 24, true
	}
	return 0, false
}

// withMods encodes base with modifiers: the cursor and function keys carry
// them as a parameter, ctrl turns a letter into its control character, and
// alt puts ESC in front of the rest.
func withMods(base string, mods int) (string, bool) {
	if f, ok := finalKey(base); ok {
		return fmt.Sprintf("\x1b[1;%d%c", 1+mods, f), true
	}
	if n, ok := tildeKey(base); ok {
		return fmt.Sprintf("\x1b[%d;%d~", n, 1+mods), true
	}
	alt := mods&modAlt != 0
	var s string
	switch mods &^ modAlt {
	case 0:
		plain, ok := plainKey(base)
		if !ok && utf8.RuneCountInString(base) == 1 {
			plain, ok = base, true
		}
		if !ok {
			return "", false
		}
		s = plain
	case modCtrl:
		c, ok := ctrlChar(base)
		if !ok {
			return "", false
		}
		s = string(rune(c))
	default:
		return "", false // shift+letter is the capital letter: name it so
	}
	if alt {
		s = "\x1b" + s
	}
	return s, true
}

// ctrlChar is the C0 control character ctrl+base sends.
func ctrlChar(base string) (byte, bool) {
	if base == "space" || base == "@" {
		return 0, true
	}
	if len(base) != 1 {
		return 0, false
	}
	switch c := base[0]; {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 1, true
	case c >= '[' && c <= '_':
		return c - '@', true
	}
	return 0, false
}
