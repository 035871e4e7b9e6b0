package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// logEvery is how often a simulated container writes a line.
const logEvery = 400 * time.Millisecond

// StreamLogs implements backend.LogStreamer for the demo: tail lines at
// once, then a line every logEvery until ctx ends; every tenth line goes
// to stderr. The text is a pure function of the service and line number.
func (f *Fleet) StreamLogs(ctx context.Context, name string, tail int, out func(backend.LogLine)) error {
	var svc *service
	for i := range f.services {
		if f.services[i].skel.Name == name {
			svc = &f.services[i]
		}
	}
	if svc == nil {
		return fmt.Errorf("no service %q in the simulated fleet", name)
	}
	container := name + "-1"
	line := func(n int64, at time.Time) backend.LogLine {
		l := backend.LogLine{Container: container, Stream: "stdout", At: at}
		k := svc.key.with("log").at(n)
		switch {
		case n%10 == 9:
			l.Stream = "stderr"
			l.Text = fmt.Sprintf("WARN slow query on %s took %dms", svc.skel.Project, 200+k.intn(300))
		default:
			l.Text = fmt.Sprintf("INFO GET /api/%s 200 %dms req=%08x", []string{"health", "items", "users", "session"}[k.intn(4)], 5+k.intn(120), uint32(k))
		}
		return l
	}
	now := f.now()
	for i := int64(tail); i > 0; i-- {
		out(line(-i, now.Add(-time.Duration(i)*logEvery)))
	}
	t := time.NewTicker(logEvery)
	defer t.Stop()
	for n := int64(0); ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			out(line(n, f.now()))
		}
	}
}
