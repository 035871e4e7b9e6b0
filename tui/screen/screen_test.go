package screen

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

var env = []string{"TERM=xterm-256color"}

// tty is what the Screen writes to: every write is kept (to count bytes
// and frames) and fed to a terminal emulator (to see the screen).
type tty struct {
	mu     sync.Mutex
	emu    *vt.Emulator
	out    bytes.Buffer
	writes int
	alt    bool
	cursor bool
	title  string
}

func newTTY(w, h int) *tty {
	t := &tty{emu: vt.NewEmulator(w, h), cursor: true}
	t.emu.SetCallbacks(vt.Callbacks{
		AltScreen:        func(on bool) { t.alt = on },
		CursorVisibility: func(on bool) { t.cursor = on },
		Title:            func(s string) { t.title = s },
	})
	go func() { // drain the emulator's replies
		buf := make([]byte, 256)
		for {
			if _, err := t.emu.Read(buf); err != nil {
				return
			}
		}
	}()
	return t
}

func (t *tty) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writes++
	t.out.Write(p)
	return t.emu.Write(p)
}

// screen is the emulated screen as plain text lines, trailing blanks cut.
func (t *tty) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(ansi.Strip(t.emu.Render()), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func (t *tty) bytesWritten() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.Len()
}

func view(s string) tea.View { return tea.View{Content: s} }

// The first frame enters the alternate screen with the cursor hidden and
// shows the view; Close gives the shell its screen and cursor back.
func TestStartDrawClose(t *testing.T) {
	term := newTTY(20, 4)
	s := New(term, env, 20, 4, colorprofile.ANSI256)
	s.enter()
	s.Show(tea.View{Content: "opsdeck\nline two", WindowTitle: "opsdeck · prod"})
	s.draw()
	if !term.alt || term.cursor {
		t.Fatalf("after the first frame: alt screen %v, cursor visible %v", term.alt, term.cursor)
	}
	if got := term.screen(); got != "opsdeck\nline two" {
		t.Fatalf("screen:\n%q", got)
	}
	if term.title != "opsdeck · prod" {
		t.Fatalf("title %q", term.title)
	}
	s.leave()
	if term.alt || !term.cursor || term.title != "" {
		t.Fatalf("after leave: alt screen %v, cursor visible %v, title %q", term.alt, term.cursor, term.title)
	}
	if !strings.HasSuffix(term.out.String(), ansi.ResetModeAltScreenSaveCursor+ansi.SetModeTextCursorEnable) {
		t.Fatalf("the output does not end by leaving the alt screen and showing the cursor: %q", term.out.String())
	}
}

// A view equal to the last frame writes nothing; a one-character change
// writes a few bytes, not the screen.
func TestOnlyChangesTravel(t *testing.T) {
	const w, h = 200, 50
	term := newTTY(w, h)
	s := New(term, env, w, h, colorprofile.ANSI256)
	s.enter()
	rows := make([]string, h)
	for i := range rows {
		rows[i] = strings.Repeat("x", w-10) + " 12:00:00"
	}
	s.Show(view(strings.Join(rows, "\n")))
	s.draw()
	full := term.bytesWritten()
	if full < w*h/2 {
		t.Fatalf("first frame wrote %d bytes for %d cells", full, w*h)
	}

	s.Show(view(strings.Join(rows, "\n")))
	s.draw()
	if n := term.bytesWritten() - full; n != 0 {
		t.Fatalf("an unchanged view wrote %d bytes", n)
	}
	// The same text with the dirty flag forced: draw still finds nothing
	// to do.
	s.mu.Lock()
	s.dirty = true
	s.mu.Unlock()
	s.draw()
	if n := term.bytesWritten() - full; n != 0 {
		t.Fatalf("a redraw of the same text wrote %d bytes", n)
	}

	rows[0] = strings.Repeat("x", w-10) + " 12:00:01"
	s.Show(view(strings.Join(rows, "\n")))
	s.draw()
	if n := term.bytesWritten() - full; n == 0 || n > 32 {
		t.Fatalf("a one-digit change wrote %d bytes", n)
	}
	if got := strings.SplitN(term.screen(), "\n", 2)[0]; !strings.HasSuffix(got, "12:00:01") {
		t.Fatalf("first row %q", got)
	}
}

// After a resize the next frame is drawn whole at the new size.
func TestResizeRedraws(t *testing.T) {
	term := newTTY(30, 5)
	s := New(term, env, 30, 5, colorprofile.ANSI256)
	s.enter()
	s.Show(view("wide view\nsecond"))
	s.draw()
	term.mu.Lock()
	term.emu.Resize(12, 3)
	term.mu.Unlock()
	s.Resize(12, 3)
	s.Show(view("narrow\nrows"))
	s.draw()
	if got := term.screen(); got != "narrow\nrows" {
		t.Fatalf("after resize:\n%q", got)
	}
	if s.cells.Width() != 12 || s.cells.Height() != 3 {
		t.Fatalf("cell buffer %dx%d", s.cells.Width(), s.cells.Height())
	}
}

// Colours are downsampled to the profile: Ascii writes none.
func TestProfile(t *testing.T) {
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Render("DOWN")
	for _, tc := range []struct {
		profile colorprofile.Profile
		want    string // an SGR the frame must contain ("" none)
	}{
		{colorprofile.TrueColor, "38;2;255;0;0"},
		{colorprofile.ANSI256, "38;5;196"},
		{colorprofile.Ascii, ""},
	} {
		term := newTTY(10, 2)
		s := New(term, env, 10, 2, colorprofile.TrueColor)
		s.SetProfile(tc.profile)
		s.Show(view(red))
		s.draw()
		out := term.out.String()
		if tc.want != "" && !strings.Contains(out, tc.want) {
			t.Errorf("%v: %q lacks %q", tc.profile, out, tc.want)
		}
		if tc.want == "" && strings.Contains(out, "38;") {
			t.Errorf("%v: colour in %q", tc.profile, out)
		}
		if !strings.Contains(term.screen(), "DOWN") {
			t.Errorf("%v: screen %q", tc.profile, term.screen())
		}
	}
}

// Under a burst of views the Screen draws at most one frame per
// MinInterval, and the last view is the one on screen.
func TestBurstCoalesces(t *testing.T) {
	term := newTTY(20, 2)
	s := New(term, env, 20, 2, colorprofile.ANSI256)
	s.SetMinInterval(50 * time.Millisecond)
	s.Start()
	const views = 200
	start := time.Now()
	for i := range views {
		s.Show(view("line " + strings.Repeat("=", i%10) + string(rune('a'+i%26))))
		time.Sleep(time.Millisecond / 2)
	}
	last := "line " + strings.Repeat("=", (views-1)%10) + string(rune('a'+(views-1)%26))
	waitScreen(t, term, last)
	elapsed := time.Since(start)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// enter + leave are two writes; frames are the rest.
	frames := s.frames - 2
	if limit := int(elapsed/(50*time.Millisecond)) + 2; frames > limit || frames < 1 {
		t.Fatalf("%d views in %v drew %d frames, want 1..%d", views, elapsed, frames, limit)
	}
	t.Logf("%d views in %v: %d frames", views, elapsed.Round(time.Millisecond), frames)
}

// After a quiet spell a view is drawn without waiting for a tick, and a
// Screen with nothing to show writes nothing.
func TestQuietScreenWritesNothing(t *testing.T) {
	term := newTTY(20, 2)
	s := New(term, env, 20, 2, colorprofile.ANSI256)
	s.Start()
	s.Show(view("ready"))
	waitScreen(t, term, "ready")
	n := term.bytesWritten()
	for range 50 {
		s.Show(view("ready"))
	}
	time.Sleep(100 * time.Millisecond)
	if m := term.bytesWritten(); m != n {
		t.Fatalf("an unchanged view wrote %d bytes", m-n)
	}
	s.Show(view("go"))
	waitScreen(t, term, "go")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // a second Close is harmless
		t.Fatal(err)
	}
}

// A terminal that fails a write stops the drawing, and Close reports it.
func TestWriteErrorStops(t *testing.T) {
	s := New(failWriter{}, env, 10, 2, colorprofile.ANSI256)
	s.Show(view("x"))
	s.draw()
	s.Show(view("y"))
	s.draw()
	if s.frames != 1 {
		t.Fatalf("%d write attempts after the first failure, want none", s.frames-1)
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("Err() = %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errGone }

var errGone = &goneError{}

type goneError struct{}

func (*goneError) Error() string { return "terminal gone" }

func waitScreen(t *testing.T, term *tty, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(term.screen(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q:\n%s", want, term.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Drawing only the lines that changed leaves the same cells, with the same
// styles, as laying out every frame whole, also across frames whose styles
// run over a line break (which draw lays out whole).
func TestChangedLinesMatchWholeFrames(t *testing.T) {
	const w, h = 60, 8
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Bold(true)
	dim := lipgloss.NewStyle().Faint(true).Background(lipgloss.Color("#203040"))
	frame := func(i int) string {
		rows := []string{
			red.Render("opsdeck") + "  production   " + dim.Render(fmt.Sprintf("12:00:%02d UTC", i)),
			"SERVICE   STATE",
			"chat      " + red.Render(map[bool]string{true: "DOWN", false: "UP  "}[i%3 == 0]),
			dim.Render(strings.Repeat("─", 40)),
			"wide 日本語 " + red.Render(fmt.Sprint(i)),
		}
		if i%4 == 2 {
			// A style left open across the break: the next line is red.
			rows[1] = "\x1b[31mSERVICE   STATE"
		}
		if i%5 == 4 {
			rows = append(rows, "an extra line")
		}
		return strings.Join(rows, "\n")
	}
	diffTTY, wholeTTY := newTTY(w, h), newTTY(w, h)
	diff := New(diffTTY, env, w, h, colorprofile.TrueColor)
	whole := New(wholeTTY, env, w, h, colorprofile.TrueColor)
	lineFrames := 0
	for i := range 20 {
		diff.Show(view(frame(i)))
		diff.draw()
		if i > 0 && diff.lastOwn && strings.Count(frame(i), "\n") == strings.Count(frame(i-1), "\n") && frame(i-1) != "" {
			lineFrames++
		}
		whole.Show(view(frame(i)))
		whole.drawn = false // lay out the whole view every time
		whole.draw()
		for y := range h {
			for x := range w {
				a, b := diffTTY.emu.CellAt(x, y), wholeTTY.emu.CellAt(x, y)
				if (a == nil) != (b == nil) || a != nil && (a.Content != b.Content || !a.Style.Equal(&b.Style)) {
					t.Fatalf("frame %d: cell %d,%d differs: changed-lines %+v, whole %+v\n%s", i, x, y, a, b, diffTTY.screen())
				}
			}
		}
	}
	if lineFrames < 5 {
		t.Fatalf("only %d frames took the changed-lines path", lineFrames)
	}
}
