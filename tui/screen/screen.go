// Package screen draws a Bubble Tea program's views on a terminal when they
// change, and at no other time.
//
// Bubble Tea v2.1's renderer looks for a changed view on a ticker (30–120
// Hz) that wakes the process even when nothing changed; on the shared
// machines opsdeck is measured on, that ticker alone costs about half a
// percent of a core, the whole idle budget. There is no way to flush it on
// demand, so the local console runs the program WithoutRenderer (and a 1 Hz
// FPS, the slowest Bubble Tea allows, for its now empty flush) and Wrap
// hands every view to a Screen. The Screen's goroutine diffs the view
// against the last frame with ultraviolet's TerminalRenderer, as Bubble Tea
// does, and writes only the changed cells: at once after a quiet spell, and
// at most once per MinInterval under a burst (a log follow).
//
// The Screen always uses the alternate screen and hides the cursor; of a
// View it uses Content and WindowTitle, which is what opsdeck draws.
package screen

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// DefaultMinInterval caps frames at 30 a second, as the console's Bubble
// Tea renderer was capped before: a burst of views costs at most that many
// frames, and a frame after a quiet spell is drawn at once.
const DefaultMinInterval = time.Second / 30

// Screen is one terminal's frames. Show, Resize and SetProfile may be
// called from any goroutine; drawing happens on the Screen's own.
type Screen struct {
	out         io.Writer
	minInterval time.Duration

	mu      sync.Mutex // guards the fields up to wake
	content string
	title   string
	width   int
	height  int
	profile colorprofile.Profile
	dirty   bool // a view, size or profile not drawn yet
	resized bool
	err     error // the first write error; drawing stops after it

	wake    chan struct{} // capacity 1: "something is dirty"
	stop    chan struct{}
	stopped chan struct{}
	started bool

	// Only the drawing goroutine (or Close, after it ended) touches these.
	scr       *uv.TerminalRenderer
	frame     bytes.Buffer // what scr writes for one frame
	cells     uv.ScreenBuffer
	drawn     bool     // a frame has been drawn since Start
	lastLines []string // the last drawn frame, split into lines
	lastOwn   bool     // every line of it closes its styles
	lastTitle string
	lastAt    time.Time
	frames    int // frames written, for tests and benchmarks
}

// New returns a Screen of width×height that writes to out, downsampling
// colours to profile. env is the program's environment (TERM picks the
// terminal's capabilities). Nothing is written before Start.
func New(out io.Writer, env []string, width, height int, profile colorprofile.Profile) *Screen {
	s := &Screen{
		out:         out,
		minInterval: DefaultMinInterval,
		width:       width,
		height:      height,
		profile:     profile,
		wake:        make(chan struct{}, 1),
		stop:        make(chan struct{}),
		stopped:     make(chan struct{}),
	}
	s.scr = uv.NewTerminalRenderer(&s.frame, env)
	s.scr.SetColorProfile(profile)
	// The alternate screen, addressed absolutely: no inline mode.
	s.scr.SetFullscreen(true)
	s.scr.SetRelativeCursor(false)
	// In raw mode the terminal does not turn \n into \r\n.
	s.scr.SetMapNewline(false)
	s.scr.SetTabStops(-1)
	s.scr.SetScrollOptim(true)
	s.scr.Resize(width, height)
	s.cells = uv.NewScreenBuffer(width, height)
	return s
}

// SetMinInterval sets the shortest time between two frames (0: none). Call
// it before Start.
func (s *Screen) SetMinInterval(d time.Duration) { s.minInterval = d }

// Start enters the alternate screen and starts drawing.
func (s *Screen) Start() {
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.enter()
	go s.loop()
}

// Show makes v the view to draw. A view equal to the one waiting or last
// shown costs nothing.
func (s *Screen) Show(v tea.View) {
	s.mu.Lock()
	if v.Content == s.content && v.WindowTitle == s.title {
		s.mu.Unlock()
		return
	}
	s.content, s.title = v.Content, v.WindowTitle
	s.markDirty()
}

// Resize tells the Screen the terminal's new size; the next frame is drawn
// whole.
func (s *Screen) Resize(width, height int) {
	s.mu.Lock()
	if width == s.width && height == s.height {
		s.mu.Unlock()
		return
	}
	s.width, s.height = width, height
	s.resized = true
	s.markDirty()
}

// SetProfile sets the colour profile; the next frame is drawn whole.
func (s *Screen) SetProfile(p colorprofile.Profile) {
	s.mu.Lock()
	if p == s.profile {
		s.mu.Unlock()
		return
	}
	s.profile = p
	s.resized = true // a full redraw, for the new colours
	s.markDirty()
}

// markDirty wakes the drawing goroutine. It is called with mu held and
// releases it.
func (s *Screen) markDirty() {
	s.dirty = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default: // already woken
	}
}

// Close stops drawing and leaves the alternate screen, restoring what
// Start changed. It returns the first error writing to the terminal.
func (s *Screen) Close() error {
	s.mu.Lock()
	started := s.started
	s.started = false
	s.mu.Unlock()
	if !started {
		return s.Err()
	}
	close(s.stop)
	<-s.stopped
	s.leave()
	return s.Err()
}

// Err is the first error writing to the terminal, if any.
func (s *Screen) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Screen) loop() {
	defer close(s.stopped)
	var timer *time.Timer
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		if wait := s.minInterval - time.Since(s.lastAt); wait > 0 && s.drawn {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-s.stop:
				timer.Stop()
				return
			case <-timer.C:
			}
		}
		s.draw()
	}
}

// draw writes the pending view, if it differs from the last frame.
func (s *Screen) draw() {
	s.mu.Lock()
	if !s.dirty || s.err != nil {
		s.mu.Unlock()
		return
	}
	s.dirty = false
	content, title := s.content, s.title
	width, height, profile, resized := s.width, s.height, s.profile, s.resized
	s.resized = false
	s.mu.Unlock()

	if resized {
		s.scr.SetColorProfile(profile)
		s.scr.Resize(width, height)
		s.scr.Erase() // the next Render repaints every cell
		s.cells.Resize(width, height)
	}
	if title != s.lastTitle {
		_, _ = s.scr.WriteString(ansi.SetWindowTitle(title))
		s.lastTitle = title
	}
	lines := strings.Split(content, "\n")
	own := ownStyles(lines)
	if resized || !s.drawn || len(lines) != len(s.lastLines) || !own || !s.lastOwn {
		uv.NewStyledString(content).Draw(s.cells, s.cells.Bounds())
	} else {
		// Most frames change a line or two (the clock, a figure): parse
		// and lay out only those.
		for y, line := range lines {
			if y >= height {
				break
			}
			if line != s.lastLines[y] {
				uv.NewStyledString(line).Draw(s.cells, uv.Rect(0, y, width, 1))
			}
		}
	}
	s.scr.Render(s.cells.RenderBuffer)
	s.write(s.scr.Flush())
	s.drawn, s.lastLines, s.lastOwn, s.lastAt = true, lines, own, time.Now()
}

// ownStyles says whether every line ends with its styles closed (what
// lipgloss renders), so that a line drawn alone looks as it does drawn
// with the lines above it. A style or hyperlink left open across a line
// break makes draw lay out the whole view.
func ownStyles(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "\x1b]8;") {
			return false
		}
		i := strings.LastIndex(l, "\x1b[")
		if i < 0 {
			continue
		}
		// The last CSI sequence must be an SGR reset: ESC [ m or ESC [ 0 m.
		rest := l[i+2:]
		if !strings.HasPrefix(rest, "m") && !strings.HasPrefix(rest, "0m") {
			return false
		}
	}
	return true
}

// write sends what scr put into frame to the terminal in one write.
func (s *Screen) write(flushErr error) {
	err := flushErr
	if err == nil && s.frame.Len() > 0 {
		_, err = s.out.Write(s.frame.Bytes())
		s.frames++
	}
	s.frame.Reset()
	if err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
}

// enter switches to the alternate screen with the modes Bubble Tea's own
// renderer sets for opsdeck's views, so keys arrive the same way.
func (s *Screen) enter() {
	s.scr.SaveCursor()
	s.scr.Erase()
	_, _ = s.frame.WriteString(ansi.SetModeAltScreenSaveCursor +
		ansi.ResetModeTextCursorEnable +
		ansi.SetModeBracketedPaste +
		ansi.SetModifyOtherKeys2 +
		ansi.PushKittyKeyboard(0))
	s.write(nil)
}

// leave undoes enter: the shell gets its screen, cursor and keys back.
func (s *Screen) leave() {
	seq := ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1) + ansi.ResetModeBracketedPaste
	if s.lastTitle != "" {
		seq += ansi.SetWindowTitle("")
	}
	seq += ansi.ResetModeAltScreenSaveCursor + ansi.SetModeTextCursorEnable
	_, _ = s.frame.WriteString(seq)
	s.write(nil)
}
