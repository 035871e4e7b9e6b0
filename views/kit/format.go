package kit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Dash stands for a value no source could give: never a made-up zero.
const Dash = "–"

// Sanitize makes outside text (log lines, names, summaries, error
// messages) safe to show: no escape or control character reaches the
// terminal; each is shown as a visible picture (␛, ␍) instead.
func Sanitize(s string) string { return backend.Printable(s) }

// Thousands formats an integer with thousands separators: 1234 → "1,234".
func Thousands(v float64) string {
	n := int64(math.Round(v))
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Num formats a value with a unit, or a dash when it is missing.
func Num(v backend.Value, format string) string {
	if !v.Valid {
		return Dash
	}
	return fmt.Sprintf(format, v.V)
}

// Pct formats a percentage: one decimal below 10, none above.
func Pct(v backend.Value) string {
	if !v.Valid {
		return Dash
	}
	if math.Abs(v.V) < 10 && v.V != math.Trunc(v.V) {
		return fmt.Sprintf("%.1f%%", v.V)
	}
	return fmt.Sprintf("%.0f%%", v.V)
}

// Pct1 is a rate shown to one decimal, like the seed's 98.5%.
func Pct1(v backend.Value) string { return Num(v, "%.1f%%") }

// Ago is a short age: "4s", "3m", "2h", "5d".
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

// Stamp formats a time as the seed's tables do: "2025-11-26 10:23".
func Stamp(t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// Clock formats a time of day in UTC, the seed's "12:34:56".
func Clock(t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	return t.UTC().Format("15:04:05")
}

// Bytes is a memory figure in MiB or GiB.
func Bytes(v backend.Value) string {
	if !v.Valid {
		return Dash
	}
	const mib = 1 << 20
	if v.V >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", v.V/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", v.V/mib)
}

// Plural is "1 service", "3 services".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// OrDash is s, or a dash when it is empty.
func OrDash(s string) string {
	if s == "" {
		return Dash
	}
	return s
}

// Bar draws frac (0..1) as a block bar of w cells.
func Bar(frac float64, w int) string {
	n := int(frac*float64(w) + 0.5)
	n = min(max(n, 0), w)
	return "[" + strings.Repeat("█", n) + strings.Repeat("░", w-n) + "]"
}

// Gauge is a percentage as the seed draws it: "[████░░░░░░] 45%".
func Gauge(v backend.Value) string {
	if !v.Valid {
		return Dash
	}
	return fmt.Sprintf("%s %3.0f%%", Bar(v.V/100, 10), v.V)
}
