package prom

import (
	"sync"

	"github.com/manacore/opsdeck/backend"
)

// caveats gathers the remarks of one Fetch's answers, by the feed of the
// figures each answer carried, for the panels those figures fill. The
// requests of a Fetch run concurrently, hence the lock; one remark
// repeated by several answers (a remote store down says so in each) is
// kept once per feed.
type caveats struct {
	mu   sync.Mutex
	seen map[backend.Caveat]bool
	list []backend.Caveat
}

func (c *caveats) add(rm remarks, feeds ...backend.Feed) {
	if len(rm.warnings) == 0 && len(rm.infos) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[backend.Caveat]bool{}
	}
	put := func(text string, info bool) {
		for _, f := range feeds {
			cv := backend.Caveat{Feed: f, Text: text, Info: info}
			if !c.seen[cv] {
				c.seen[cv] = true
				c.list = append(c.list, cv)
			}
		}
	}
	for _, w := range rm.warnings {
		put(w, false)
	}
	for _, i := range rm.infos {
		put(i, true)
	}
}

func (c *caveats) all() []backend.Caveat {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.list
}

// feedOf is the feed a figure's values go to.
func feedOf(k figureKind) backend.Feed {
	switch k {
	case perDatabase:
		return backend.FeedDatabases
	case perDependency:
		return backend.FeedDependencies
	}
	return backend.FeedMetrics
}

// feedsOf are the feeds of the figures idx, each once.
func (s *Source) feedsOf(idx []int) []backend.Feed {
	var out []backend.Feed
	seen := map[backend.Feed]bool{}
	for _, i := range idx {
		if f := feedOf(s.figures[i].kind); !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
