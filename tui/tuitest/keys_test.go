package tuitest

import (
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
)

// Every key name the driver accepts comes out of Bubble Tea's own input
// decoder (ultraviolet's, which Bubble Tea v2 reads the terminal with) as
// that same name: the bytes are the ones that key sends.
func TestKeyBytesDecodeToTheirName(t *testing.T) {
	names := []string{
		"enter", "esc", "tab", "shift+tab", "space", "backspace",
		"up", "down", "left", "right", "home", "end", "insert", "delete", "pgup", "pgdown",
		"f1", "f4", "f5", "f12",
		"ctrl+c", "ctrl+d", "ctrl+r", "ctrl+u", "ctrl+a", "ctrl+z", "ctrl+space",
		"alt+x", "alt+enter", "ctrl+alt+c",
		"ctrl+right", "shift+up", "alt+left", "ctrl+pgdown", "shift+f5", "ctrl+shift+left",
		"q", "G", ":", "/", "?", "1", "é",
	}
	for _, name := range names {
		b, err := KeyBytes(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var d uv.EventDecoder
		n, ev := d.Decode([]byte(b))
		if n != len(b) {
			t.Errorf("%s: %q decodes %d of %d bytes", name, b, n, len(b))
			continue
		}
		k, ok := ev.(uv.KeyPressEvent)
		if !ok {
			t.Errorf("%s: %q decodes to %T %v, not a key press", name, b, ev, ev)
			continue
		}
		if got := k.String(); got != name {
			t.Errorf("%s: %q decodes to %q", name, b, got)
		}
	}
}

func TestKeyBytesRefusesWhatNoTerminalSends(t *testing.T) {
	for _, name := range []string{"enterr", "hyper+x", "shift+a", "ctrl+é", "ctrl+"} {
		if b, err := KeyBytes(name); err == nil {
			t.Errorf("%s: got %q, want an error", name, b)
		}
	}
}
