package kit

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
)

// A source's warning about an answer takes the source's place on the
// panel's line, marked ⚠ (not colour alone), with how many more; an info
// is marked ℹ; a panel of another feed does not show them.
func TestFeedLineShowsWhatTheSourceSaidOfItsAnswer(t *testing.T) {
	c := testCommon()
	now := c.Now()
	src := backend.SourceStatus{Name: "prometheus", Feeds: []backend.Feed{backend.FeedMetrics, backend.FeedDatabases},
		Interval: 5 * time.Second, OK: true, UpdatedAt: now.Add(-2 * time.Second), LastAttempt: now.Add(-2 * time.Second)}
	snap := func(cv ...backend.Caveat) backend.Snapshot {
		s := src
		s.Caveats = cv
		return backend.Snapshot{At: now, Sources: []backend.SourceStatus{s}}
	}
	line := func(s backend.Snapshot, f backend.Feed) string { return ansi.Strip(c.FeedLine(s, f)) }

	if got := line(snap(), backend.FeedMetrics); got != "prometheus · 2s ago" {
		t.Fatalf("no caveat: %q", got)
	}
	warned := snap(
		backend.Caveat{Feed: backend.FeedMetrics, Text: "remote_read: store did not answer"},
		backend.Caveat{Feed: backend.FeedMetrics, Text: "PromQL info: metric might not be a counter", Info: true},
	)
	if got, want := line(warned, backend.FeedMetrics), "⚠ prometheus: remote_read: store did not answer (+1 more) · 2s ago"; got != want {
		t.Fatalf("warning:\n got %q\nwant %q", got, want)
	}
	if got := line(warned, backend.FeedDatabases); got != "prometheus · 2s ago" {
		t.Fatalf("another feed's panel shows a caveat not about it: %q", got)
	}
	info := snap(backend.Caveat{Feed: backend.FeedDatabases, Text: "PromQL info: metric might not be a counter", Info: true})
	if got := line(info, backend.FeedDatabases); !strings.HasPrefix(got, "ℹ prometheus: PromQL info") {
		t.Fatalf("info: %q", got)
	}
}

// A heading too narrow for its feed line keeps the start of it, cut,
// rather than losing it.
func TestSpreadCutsTheRightPartBeforeDroppingIt(t *testing.T) {
	got := Spread("DATABASE PERFORMANCE", "⚠ prometheus: remote_read: store did not answer · 2s ago", 50)
	if ansi.StringWidth(got) != 50 || !strings.Contains(got, "⚠ prometheus: remote") || !strings.HasSuffix(got, "…") {
		t.Fatalf("Spread = %q (%d cells)", got, ansi.StringWidth(got))
	}
	if got := Spread("DATABASE PERFORMANCE", "prometheus · 2s ago", 28); got != "DATABASE PERFORMANCE" {
		t.Fatalf("no room for even a cut right part: %q", got)
	}
}
