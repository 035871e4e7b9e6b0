package poll

import (
	"context"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// A fetch that brings the same data refreshes the sources' status but
// keeps the data and its revision, so views can skip rebuilding rows; a
// fetch with different data bumps the revision.
func TestRevChangesOnlyWithTheData(t *testing.T) {
	inv := inventorySource()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	p := New(Config{Jobs: []Job{{Source: inv, Interval: time.Second}}, Clock: func() time.Time { return now }})
	ctx := context.Background()

	first := p.Once(ctx)
	if len(first.Services) != 1 || first.Services[0].Name != "chat-backend" {
		t.Fatalf("services = %+v, want chat-backend", first.Services)
	}

	now = now.Add(time.Second)
	same := p.Once(ctx)
	if same.Rev != first.Rev {
		t.Errorf("Rev after an unchanged fetch = %d, want %d", same.Rev, first.Rev)
	}
	if &same.Services[0] != &first.Services[0] {
		t.Error("unchanged fetch re-merged the services; want the previous slice")
	}
	if !same.Sources[0].UpdatedAt.Equal(now) {
		t.Errorf("source UpdatedAt = %v, want %v: status must refresh even when data does not", same.Sources[0].UpdatedAt, now)
	}

	inv.part = backend.Partial{Services: []backend.Service{{Project: "chat", Name: "chat-backend",
		Containers: []backend.Container{{Name: "chat-backend-1", State: backend.StateExited}}}}}
	changed := p.Once(ctx)
	if changed.Rev == first.Rev {
		t.Error("Rev did not change with the data")
	}
	if got := changed.Services[0].Containers[0].State; got != backend.StateExited {
		t.Errorf("container state = %v, want exited", got)
	}
}
