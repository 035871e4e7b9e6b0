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
	t := m.theme
	left := t.Title.Render("opsdeck") + " " + t.Badge.Render(orText(m.snap.Environment, "…"))
	if m.snap.Demo {
		left += " " + t.Demo.Render("DEMO")
	}
	if m.opts.ReadOnly {
		left += " " + t.Subtle.Render("[read-only]")
	}
	if b := m.jobsBadge(); b != "" {
		left += " " + b
	}
	right := t.Subtle.Render(m.now.UTC().Format("15:04:05") + " UTC")
	if why := m.opts.DemoWhy; m.snap.Demo && why != "" {
		// Why the demo and not the fleet in front of it, where it fits
		// beside the sources; :status and `opsdeck status` say it too.
		if wide := left + t.Subtle.Render(" · "+why); ansi.StringWidth(wide)+ansi.StringWidth(right)+4+m.sourcesWidth() <= m.width {
			left = wide
		}
	}
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
	// The shape of a dot says the status; a letter says which source, so
	// a narrow header leaves neither to the colour alone, down to where
	// only the dots fit.
	var full, lettered, dots []string
	for _, s := range m.snap.Sources {
		st := sourceStatus(s, m.now)
		dot := t.Status(st).Render(theme.Dot(st))
		named := dot + " " + s.Name
		if s.Warning != "" {
			named += " " + t.Demo.Render(strings.ToUpper(s.Warning))
		}
		full = append(full, named)
		if st == backend.StatusUp && s.Warning == "" {
			lettered = append(lettered, dot+sourceLetter(s.Name))
			dots = append(dots, dot)
		} else {
			lettered = append(lettered, named)
			dots = append(dots, named)
		}
	}
	fits := func(mid string) bool {
		return ansi.StringWidth(left)+ansi.StringWidth(mid)+ansi.StringWidth(right)+4 <= m.width
	}
	mid := strings.Join(full, "  ")
	for _, alt := range []string{strings.Join(lettered, " "), strings.Join(dots, " ")} {
		if fits(mid) {
			break
		}
		mid = alt
	}
	return joinLine(left, mid, right, m.width)
}

// sourcesWidth is the width of the sources with their names, as the
// header shows them when there is room.
func (m *Model) sourcesWidth() int {
	w := 0
	for i, s := range m.snap.Sources {
		if i > 0 {
			w += 2
		}
		w += 2 + ansi.StringWidth(s.Name)
	}
	return w
}

// sourceLetter is the first letter of a source's name ("docker@prod-1"
// → "d", "prometheus" → "p", "alertmanager" → "a"), for the compact header.
func sourceLetter(name string) string {
	for _, r := range name {
		return string(r)
	}
	return ""
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
	t := m.theme
	// Full titles where they fit, else short labels ("2 Svc"), else the
	// keys alone; the active tab always has its full title.
	const (
		full = iota
		abbreviated
		keysOnly
	)
	render := func(level int) string {
		var b strings.Builder
		for i, spec := range m.specs {
			k := keyLabel(m.opts.Keys.Views[spec.Name].Keys())
			switch {
			case i == m.tab:
				b.WriteString(t.TabActive.Render(k + " " + m.tabs[i].Title()))
			case level == keysOnly:
				b.WriteString(t.Tab.Render(k))
			case level == abbreviated:
				b.WriteString(t.Tab.Render(k + " " + shortTitle(m.tabs[i].Title())))
			default:
				b.WriteString(t.Tab.Render(k + " " + m.tabs[i].Title()))
			}
		}
		for _, s := range m.stack {
			b.WriteString(t.Subtle.Render(" › ") + t.Bold.Render(s.screen.Title()))
		}
		return b.String()
	}
	line := render(full)
	for level := abbreviated; level <= keysOnly && ansi.StringWidth(line) > m.width; level++ {
		line = render(level)
	}
	return ansi.Truncate(line, m.width, "…")
}

// shortTitle is a tab's label at 80 columns, where the full titles do not
// fit: three letters a k9s user reads at a glance, else the title's first
// three.
func shortTitle(title string) string {
	switch title {
	case "Overview":
		return "Ovw"
	case "Services":
		return "Svc"
	case "Fleet":
		return "Flt"
	case "Latency":
		return "Lat"
	case "Alerts":
		return "Alr"
	case "DBs":
		return "DB"
	case "Deps":
		return "Dep"
	case "Resources":
		return "Res"
	case "Incident":
		return "Inc"
	case "Deploys":
		return "Dpl"
	}
	if r := []rune(title); len(r) > 3 {
		return string(r[:3])
	}
	return title
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
	t := m.theme
	if m.palette.open {
		return []string{ansi.Truncate(m.palette.view(), m.width, "")}
	}
	if m.export.open {
		return []string{ansi.Truncate(m.export.view(t), m.width, "")}
	}
	hint := t.Key.Render("?") + t.KeyDesc.Render(" help  ") + t.Key.Render(":") + t.KeyDesc.Render(" command")
	if w := m.quitWord(); w != "" {
		hint += t.KeyDesc.Render("  ") + t.Key.Render("q") + t.KeyDesc.Render(" "+w)
	}
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
	t := m.theme
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
	t := m.theme
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
