package kit

import (
	"fmt"

	"github.com/manacore/opsdeck/backend"
)

// FeedLine says where a panel's data comes from and how fresh it is:
// "prometheus · 2s ago", or "stale 42s · prometheus: connection refused".
// Every panel shows one, so a dead source is visible where its data is.
// What a source said of an answer it gave (a warning: partial data) takes
// the source's place, marked ⚠: "⚠ prometheus: remote_read: … · 2s ago";
// an info is marked ℹ, warnings first. More than one says how many more.
func (c Common) FeedLine(s backend.Snapshot, f backend.Feed) string {
	if f == "" { // a screen of the config's, fed by no source
		return ""
	}
	st := s.Feed(f)
	now := c.Clock(s)
	src := "no source"
	if len(st.Sources) > 0 {
		src = st.Sources[0]
		if len(st.Sources) > 1 {
			src += fmt.Sprintf(" +%d", len(st.Sources)-1)
		}
	}
	switch {
	case st.Err != "" && st.UpdatedAt.IsZero():
		return c.Theme.Down.Render("✖ " + Sanitize(st.Err))
	case st.Err != "":
		return c.Theme.Warn.Render(fmt.Sprintf("stale %s · %s", Ago(now, st.UpdatedAt), Sanitize(st.Err)))
	case st.Pending && st.UpdatedAt.IsZero():
		return c.Theme.Subtle.Render(src + " · waiting for first answer")
	case st.Stale:
		return c.Theme.Warn.Render(fmt.Sprintf("stale %s · %s", Ago(now, st.UpdatedAt), src))
	case len(st.Warnings) > 0:
		return c.Theme.Warn.Render(fmt.Sprintf("⚠ %s%s · %s ago", Sanitize(st.Warnings[0]), more(len(st.Warnings)+len(st.Infos)-1), Ago(now, st.UpdatedAt)))
	case len(st.Infos) > 0:
		return c.Theme.Subtle.Render(fmt.Sprintf("ℹ %s%s · %s ago", Sanitize(st.Infos[0]), more(len(st.Infos)-1), Ago(now, st.UpdatedAt)))
	default:
		return c.Theme.Subtle.Render(fmt.Sprintf("%s · %s ago", src, Ago(now, st.UpdatedAt)))
	}
}

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (+%d more)", n)
}
