package tuitest

import (
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// frameRecorder wraps the model under test so a test can read what it drew:
// the text of its last View and the size it was drawn at. The program
// calls Update and View on its event loop; the test reads from its own
// goroutine, so the frame is kept under a mutex.
type frameRecorder struct {
	inner tea.Model
	w, h  int    // the size of the last WindowSizeMsg (event loop only)
	fence uint64 // the last fenceMsg handled (event loop only)

	mu     sync.Mutex
	frame  string
	fw, fh int
	fenced uint64        // fence as of the newest frame
	drawn  chan struct{} // closed (and replaced) when a frame is recorded
}

// fenceMsg marks a point in the program's messages (see Sync); the model
// under test never sees it.
type fenceMsg uint64

func newFrameRecorder(m tea.Model) *frameRecorder {
	return &frameRecorder{inner: m, drawn: make(chan struct{})}
}

func (r *frameRecorder) Init() tea.Cmd { return r.inner.Init() }

func (r *frameRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case fenceMsg:
		r.fence = uint64(msg)
		return r, nil
	case tea.WindowSizeMsg:
		r.w, r.h = msg.Width, msg.Height
	}
	var cmd tea.Cmd
	r.inner, cmd = r.inner.Update(msg)
	return r, cmd
}

func (r *frameRecorder) View() tea.View {
	v := r.inner.View()
	r.mu.Lock()
	r.frame, r.fw, r.fh, r.fenced = v.Content, r.w, r.h, r.fence
	close(r.drawn)
	r.drawn = make(chan struct{})
	r.mu.Unlock()
	return v
}

// last is the newest frame, its size, and a channel closed when the next
// one is drawn.
func (r *frameRecorder) last() (frame string, w, h int, next <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.frame, r.fw, r.fh, r.drawn
}

// waitFrame waits until ok holds for the newest frame (its text, size and
// fence) and returns its text, or fails after DefaultWait saying what.
func (tt *Term) waitFrame(what string, ok func(frame string, w, h int, fence uint64) bool) string {
	tt.t.Helper()
	deadline := time.NewTimer(DefaultWait)
	defer deadline.Stop()
	for {
		tt.rec.mu.Lock()
		f, fw, fh, fence, next := tt.rec.frame, tt.rec.fw, tt.rec.fh, tt.rec.fenced, tt.rec.drawn
		tt.rec.mu.Unlock()
		if ok(f, fw, fh, fence) {
			return f
		}
		select {
		case <-next:
		case <-deadline.C:
			tt.t.Fatalf("waited %s for %s; the last frame (%dx%d) is:\n%s", DefaultWait, what, fw, fh, PlainText(f, fh))
			return ""
		}
	}
}

// Sync waits until the program has handled every message sent before it
// (keys, Send, Resize) and drawn the frame after them, and returns that
// frame. It does not wait for what the commands those messages started
// bring back: wait for that on the screen.
func (tt *Term) Sync() string {
	tt.t.Helper()
	tt.fences++
	n := tt.fences
	tt.TM.Send(fenceMsg(n))
	return tt.waitFrame("the program to handle what was sent", func(_ string, _, _ int, fence uint64) bool { return fence >= n })
}

// Frame is the text of the model's newest View (with its styles), as the
// model returned it: the exact lines, not the emulator's cells.
func (tt *Term) Frame() string {
	f, _, _, _ := tt.rec.last()
	return f
}

// FrameAt waits until the model has drawn a frame at w×h and returns the
// newest one: after a Resize, the frame laid out for the new size. A
// message sent before the resize has been handled by then (the program
// handles messages in order).
func (tt *Term) FrameAt(w, h int) string {
	tt.t.Helper()
	return tt.waitFrame(fmt.Sprintf("a frame drawn at %dx%d", w, h), func(_ string, fw, fh int, _ uint64) bool { return fw == w && fh == h })
}

// WaitDrawn waits until the program has handled what was sent (Sync) and
// the emulated screen shows the model's newest frame: the renderer has
// flushed it. It returns the screen as Plain does.
func (tt *Term) WaitDrawn() string {
	tt.t.Helper()
	tt.Sync()
	return tt.WaitScreen("the newest frame on screen", func(screen string) bool {
		f, fw, fh, _ := tt.rec.last()
		return fw == tt.w && fh == tt.h && screen == PlainText(f, fh)
	})
}
