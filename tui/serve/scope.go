package serve

import (
	"context"

	"github.com/manacore/opsdeck/backend"
)

// A session's console subscribes to the shared hub and opens log streams
// with contexts of its own, which it cancels when the user quits. A program
// ended from outside (idle timeout, shutdown, the client hanging up) never
// runs that code, so every long-lived call a session makes is also tied to
// the session's scope: when the session ends, its subscription and streams
// end with it instead of leaking into the shared poller.

// scoped returns a context that ends when ctx or scope ends.
func scoped(ctx, scope context.Context) context.Context {
	out, cancel := context.WithCancel(ctx)
	context.AfterFunc(scope, cancel)
	return out
}

type scopedHub struct {
	backend.Hub
	scope context.Context
}

func (h scopedHub) Subscribe(ctx context.Context) <-chan backend.Snapshot {
	return h.Hub.Subscribe(scoped(ctx, h.scope))
}

type scopedLogs struct {
	backend.LogStreamer
	scope context.Context
}

func (l scopedLogs) StreamLogs(ctx context.Context, service string, tail int, out func(backend.LogLine)) error {
	return l.LogStreamer.StreamLogs(scoped(ctx, l.scope), service, tail, out)
}
