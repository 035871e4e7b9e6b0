package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/views/theme"
)

// header: product, environment, DEMO badge, one dot per source, clock.
func (m *Model) header() string {
	t := m.opts.Theme
	left := t.Title.Render("opsdeck") + " " + t.Badge.Render(orText(m.snap.Environment, "…"))
	if m.snap.Demo {
		left += " " + t.Demo.Render("DEMO")
	}
	if m.opts.ReadOnly {
		left += " " + t.Subtle.Render("[read-only]")
	}
	right := t.Subtle.Render(m.now.UTC().Format("15:04:05") + " UTC")
	// An open incident is on every screen but its own, so a console
	// started mid-incident says so on its first screen.
	if full, short := m.incidentBadge(); full != "" {
		wide := left + " " + full
		if ansi.StringWidth(wide)+2+ansi.StringWidth(right) > m.width {
			wide = left + " " + short
		}
		left = wide
	}
	// Every source with its name when there is room; otherwise a dot per
	// source and names only for those that are not up, so a failing
	// source is never hidden by a narrow terminal. Nor is a warning (TLS
	// not verified): it keeps its name and badge.
	var full, compact []string
	for _, s := range m.snap.Sources {
		st := sourceStatus(s, m.now)
		dot := t.Status(st).Render(theme.Dot(st))
		named := dot + " " + s.Name
		if s.Warning != "" {
			named += " " + t.Demo.Render(strings.ToUpper(s.Warning))
		}
		full = append(full, named)
		if st == backend.StatusUp && s.Warning == "" {
			compact = append(compact, dot)
		} else {
			compact = append(compact, named)
		}
	}
	mid := strings.Join(full, "  ")
	if ansi.StringWidth(left)+ansi.StringWidth(mid)+ansi.StringWidth(right)+4 > m.width {
		mid = strings.Join(compact, " ")
	}
	return joinLine(left, mid, right, m.width)
}

// joinLine lays out left, middle and right parts on one line of width w,
// dropping the middle, then the right, when they do not fit.
func joinLine(left, mid, right string, w int) string {
	lw, mw, rw := ansi.StringWidth(left), ansi.StringWidth(mid), ansi.StringWidth(right)
	switch {
	case lw+2+mw+2+rw <= w:
		gap := w - lw - mw - rw
		return left + strings.Repeat(" ", gap/2) + mid + strings.Repeat(" ", gap-gap/2) + right
	case lw+2+rw <= w:
		return left + strings.Repeat(" ", w-lw-rw) + right
	default:
		return ansi.Truncate(left, w, "…")
	}
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// tabBar shows the view switch keys and, when a detail is open, where we
// are. When the titles do not fit, inactive tabs show only their key.
func (m *Model) tabBar() string {
	t := m.opts.Theme
	render := func(short bool) string {
		var b strings.Builder
		for i, spec := range m.specs {
			k := keyLabel(m.opts.Keys.Views[spec.Name].Keys())
			switch {
			case i == m.tab:
				b.WriteString(t.TabActive.Render(k + " " + m.tabs[i].Title()))
			case short:
				b.WriteString(t.Tab.Render(k))
			default:
				b.WriteString(t.Tab.Render(k + " " + m.tabs[i].Title()))
			}
		}
		for _, s := range m.stack {
			b.WriteString(t.Subtle.Render(" › ") + t.Bold.Render(s.screen.Title()))
		}
		return b.String()
	}
	line := render(false)
	if ansi.StringWidth(line) > m.width {
		line = render(true)
	}
	return ansi.Truncate(line, m.width, "…")
}

func keyLabel(keys []string) string {
	if len(keys) == 0 {
		return " "
	}
	return keys[0]
}

// maxNoticeLines bounds how far a long notice wraps up over the body.
const maxNoticeLines = 4

// statusLines is the status bar, last line last: the palette or export
// prompt when open, else a notice when one is showing, else the last
// refresh and last error, with the main keys on the right. A notice too
// long for one line (an error, the paths an export wrote) wraps upward
// over the body instead of being cut: what the console says must be read
// whole.
func (m *Model) statusLines() []string {
	t := m.opts.Theme
	if m.palette.open {
		return []string{ansi.Truncate(m.palette.view(), m.width, "")}
	}
	if m.export.open {
		return []string{ansi.Truncate(m.export.view(t), m.width, "")}
	}
	hint := t.Key.Render("?") + t.KeyDesc.Render(" help  ") + t.Key.Render(":") + t.KeyDesc.Render(" command  ") + t.Key.Render("q") + t.KeyDesc.Render(" quit")
	n, ok := m.notice.current()
	if !ok {
		return []string{joinLine(m.refreshText(), "", hint, m.width)}
	}
	if ansi.StringWidth(n) <= m.width {
		return []string{joinLine(n, "", hint, m.width)}
	}
	lines := strings.Split(ansi.Hardwrap(n, m.width, true), "\n")
	if len(lines) > maxNoticeLines {
		lines = lines[:maxNoticeLines]
		lines[maxNoticeLines-1] = ansi.Truncate(lines[maxNoticeLines-1], m.width-1, "") + "…"
	}
	return lines
}

func (m *Model) refreshText() string {
	t := m.opts.Theme
	last := m.snap.LastUpdate()
	if last.IsZero() {
		return t.Subtle.Render("waiting for sources…")
	}
	s := t.Subtle.Render(fmt.Sprintf("refreshed %s (%s ago)", last.UTC().Format("15:04:05"), shortAge(m.now.Sub(last))))
	if e := m.snap.LastError(); e != "" {
		s += t.Subtle.Render(" · ") + t.Error.Render("last error: "+e)
	}
	return s
}

func sizeText(w, h int) string { return fmt.Sprintf("%dx%d", w, h) }

// incidentBadge is the open incident for the header, in full ("INCIDENT
// Service crash - chat-backend 4:12 / RTO 15m") and short ("INCIDENT
// 4:12 / RTO 15m"); "" when none is open or its own tab is on screen.
func (m *Model) incidentBadge() (full, short string) {
	inc := m.board.Incident
	if inc == nil || !inc.Open() || (len(m.stack) == 0 && m.specs[m.tab].Name == "incident") {
		return "", ""
	}
	t := m.opts.Theme
	elapsed := inc.Elapsed(m.now)
	clock := fmt.Sprintf("%d:%02d", int(elapsed/time.Minute), int(elapsed%time.Minute/time.Second))
	style := t.Warn
	if inc.RTO > 0 {
		clock += " / RTO " + incident.Short(inc.RTO)
		if elapsed > inc.RTO {
			style = t.Down
		}
	}
	return style.Render("● INCIDENT ") + t.Bold.Render(backend.Printable(inc.Title)) + style.Render(" "+clock),
		style.Render("● INCIDENT " + clock)
}
