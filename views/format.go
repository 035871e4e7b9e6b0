package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// dash stands for a value no source could give: never a made-up zero.
const dash = "–"

// thousands formats an integer with thousands separators: 1234 → "1,234".
func thousands(v float64) string {
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

// num formats a value with a unit, or a dash when it is missing.
func num(v backend.Value, format string) string {
	if !v.Valid {
		return dash
	}
	return fmt.Sprintf(format, v.V)
}

// pct formats a percentage: one decimal below 10, none above.
func pct(v backend.Value) string {
	if !v.Valid {
		return dash
	}
	if math.Abs(v.V) < 10 && v.V != math.Trunc(v.V) {
		return fmt.Sprintf("%.1f%%", v.V)
	}
	return fmt.Sprintf("%.0f%%", v.V)
}

// ago is a short age: "4s", "3m", "2h", "5d".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return dash
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

// stamp formats a time as the seed's tables do: "2025-11-26 10:23".
func stamp(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.UTC().Format("2006-01-02 15:04")
}
