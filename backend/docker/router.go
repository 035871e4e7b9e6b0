package docker

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/manacore/opsdeck/backend"
)

// LogRouter follows a service's logs on whichever engines run it: every
// running container of the service, merged, each line tagged with its
// container.
type LogRouter []*Engine

// StreamLogs implements backend.LogStreamer.
func (r LogRouter) StreamLogs(ctx context.Context, service string, tail int, out func(backend.LogLine)) error {
	var mu sync.Mutex // out is called from one goroutine at a time
	var wg sync.WaitGroup
	var errs []error
	found := 0
	for _, e := range r {
		inv, err := e.Fetch(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, svc := range inv.Services {
			if svc.Name != service {
				continue
			}
			for _, c := range svc.Containers {
				if c.State != backend.StateRunning {
					continue
				}
				found++
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := e.Logs(ctx, c.ID, LogOptions{Tail: tail, Follow: true, Timestamps: true}, func(l LogLine) {
						mu.Lock()
						defer mu.Unlock()
						out(backend.LogLine{Container: c.Name, Stream: l.Stream, Text: l.Text, At: l.At})
					})
					if err != nil && ctx.Err() == nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("%s: %w", c.Name, err))
						mu.Unlock()
					}
				}()
			}
		}
	}
	if found == 0 {
		errs = append(errs, fmt.Errorf("no running container of %s", service))
		return errors.Join(errs...)
	}
	wg.Wait()
	return errors.Join(errs...)
}
