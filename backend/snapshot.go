package backend

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Snapshot is the immutable state of the fleet that every view renders
// from. The poller builds a new one for each source result; views never
// modify it (slices are shared between snapshots).
type Snapshot struct {
	Environment string
	Demo        bool // data comes from the simulator
	Thresholds  Thresholds
	At          time.Time // when this snapshot was built
	// Rev is the revision of the fleet data (Services, Alerts, Databases,
	// Dependencies): the poller bumps it when a source brings different
	// data, and keeps it (and the same slices) when a fetch only refreshed
	// the sources' status. Views use it to skip rebuilding unchanged rows.
	Rev          uint64
	Sources      []SourceStatus
	Services     []Service
	Alerts       []Alert
	Databases    []DBPool
	Dependencies []Dependency
}

// FeedState is the combined health of the sources behind one feed.
type FeedState struct {
	Sources   []string // names of the sources that provide the feed
	UpdatedAt time.Time
	Err       string // first error among them, prefixed with the source name
	Stale     bool
	Pending   bool // no source has answered yet
	// Warnings and Infos are what the sources said about their answers
	// for this feed (Caveat), each prefixed with the source name.
	Warnings, Infos []string
}

// Feed returns the health of feed f: the oldest update and the first error
// among its sources. A feed with no source is reported pending with an
// explanatory error.
func (s Snapshot) Feed(f Feed) FeedState {
	var st FeedState
	for _, src := range s.Sources {
		if !src.Provides(f) {
			continue
		}
		st.Sources = append(st.Sources, src.Name)
		if src.Pending() {
			st.Pending = true
			continue
		}
		if st.UpdatedAt.IsZero() || (!src.UpdatedAt.IsZero() && src.UpdatedAt.Before(st.UpdatedAt)) {
			st.UpdatedAt = src.UpdatedAt
		}
		if src.Err != "" && st.Err == "" {
			st.Err = src.Name + ": " + src.Err
		}
		if src.Stale(s.At) {
			st.Stale = true
		}
		for _, c := range src.Caveats {
			if c.Feed != f {
				continue
			}
			if c.Info {
				st.Infos = append(st.Infos, src.Name+": "+c.Text)
			} else {
				st.Warnings = append(st.Warnings, src.Name+": "+c.Text)
			}
		}
	}
	if len(st.Sources) == 0 {
		st.Err = "no source configured"
	}
	return st
}

// LastUpdate is the newest successful fetch of any source.
func (s Snapshot) LastUpdate() time.Time {
	var t time.Time
	for _, src := range s.Sources {
		if src.UpdatedAt.After(t) {
			t = src.UpdatedAt
		}
	}
	return t
}

// LastError is the error of the most recently failed source, or "".
func (s Snapshot) LastError() string {
	var (
		msg string
		at  time.Time
	)
	for _, src := range s.Sources {
		if src.Err != "" && !src.LastAttempt.Before(at) {
			msg, at = src.Name+": "+src.Err, src.LastAttempt
		}
	}
	return msg
}

// Service returns the service with the given name.
func (s Snapshot) Service(name string) (Service, bool) {
	for _, svc := range s.Services {
		if svc.Name == name {
			return svc, true
		}
	}
	return Service{}, false
}

// Projects returns the project names in the order they first appear.
func (s Snapshot) Projects() []string {
	var out []string
	seen := map[string]bool{}
	for _, svc := range s.Services {
		if !seen[svc.Project] {
			seen[svc.Project] = true
			out = append(out, svc.Project)
		}
	}
	return out
}

// Merge builds the fleet's service list: every configured service in
// configured order (so a service no source reports still shows, as
// unknown), then services the inventory discovered that the config does not
// name, sorted by project and name. Metrics, history and uptime are joined
// by service name.
//
// A service found on several engines (the same service on two hosts) is
// one service with the containers of all of them; its host is the list of
// their hosts.
func Merge(configured []Service, inventory []Service, p Partial) []Service {
	byName := make(map[string]Service, len(inventory))
	var order []string
	for _, svc := range inventory {
		prev, seen := byName[svc.Name]
		if !seen {
			order = append(order, svc.Name)
			byName[svc.Name] = svc
			continue
		}
		prev.Containers = append(slices.Clip(prev.Containers), svc.Containers...)
		if svc.Host != "" && !slices.Contains(strings.Split(prev.Host, ","), svc.Host) {
			prev.Host = strings.TrimPrefix(prev.Host+","+svc.Host, ",")
		}
		if svc.LastDeploy.After(prev.LastDeploy) {
			prev.LastDeploy = svc.LastDeploy
		}
		byName[svc.Name] = prev
	}
	out := make([]Service, 0, len(configured)+len(inventory))
	used := make(map[string]bool, len(configured))
	for _, c := range configured {
		svc := c
		if found, ok := byName[c.Name]; ok {
			svc.Containers = found.Containers
			if svc.Host == "" {
				svc.Host = found.Host
			}
			if !found.LastDeploy.IsZero() {
				svc.LastDeploy = found.LastDeploy
			}
		}
		used[c.Name] = true
		out = append(out, svc)
	}
	var extra []Service
	for _, name := range order {
		if !used[name] {
			used[name] = true
			extra = append(extra, byName[name])
		}
	}
	sort.SliceStable(extra, func(i, j int) bool {
		if extra[i].Project != extra[j].Project {
			return extra[i].Project < extra[j].Project
		}
		return extra[i].Name < extra[j].Name
	})
	out = append(out, extra...)
	for i := range out {
		name := out[i].Name
		if m, ok := p.Metrics[name]; ok {
			out[i].Metrics = m
		}
		if h, ok := p.P95History[name]; ok {
			out[i].P95History = h
		}
		if u, ok := p.Uptime[name]; ok {
			out[i].UptimePct = u
		}
		if cm, ok := p.ColourMetrics[name]; ok {
			out[i].ColourMetrics = cm
		}
	}
	return out
}
