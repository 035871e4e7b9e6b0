package docker

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/manacore/opsdeck/backend"
)

// Only running containers of services no other source covers are sampled.
func TestStatTargetsSkipCoveredServices(t *testing.T) {
	services := []backend.Service{
		{Name: "chat-backend", Containers: []backend.Container{
			{ID: "a1", State: backend.StateRunning}, {ID: "a2", State: backend.StateRunning}}},
		{Name: "chat-web", Containers: []backend.Container{
			{ID: "b1", State: backend.StateRunning}, {ID: "b2", State: backend.StateExited}}},
		{Name: "picture-backend", Containers: []backend.Container{{ID: "c1", State: backend.StateRunning}}},
	}

	ids, owner := statTargets(services, nil)
	if want := []string{"a1", "a2", "b1", "c1"}; !slices.Equal(ids, want) {
		t.Errorf("without coverage: ids %v, want %v (running containers only)", ids, want)
	}
	if owner["a2"] != "chat-backend" || owner["c1"] != "picture-backend" {
		t.Errorf("owner map %v", owner)
	}

	promHas := map[string]bool{"chat-backend": true, "picture-backend": true}
	ids, owner = statTargets(services, func(name string) bool { return promHas[name] })
	if want := []string{"b1"}; !slices.Equal(ids, want) {
		t.Errorf("with chat-backend and picture-backend covered: ids %v, want %v", ids, want)
	}
	if _, asked := owner["a1"]; asked {
		t.Error("covered service's container is in the owner map")
	}

	ids, _ = statTargets(services, func(string) bool { return true })
	if len(ids) != 0 {
		t.Errorf("everything covered: ids %v, want none", ids)
	}
}

// fakeDocker answers stats samples from a clock that advances a second per
// wave of requests: container i uses load[i] of one core of two and
// mem[i] bytes.
type fakeDocker struct {
	now      uint64 // seconds
	load     map[string]float64
	mem      map[string]uint64
	fail     map[string]bool
	requests int
	waves    []int // requests per wave
}

func (f *fakeDocker) sample(_ context.Context, ids []string) (map[string]container.StatsResponse, []error) {
	f.now++
	f.requests += len(ids)
	f.waves = append(f.waves, len(ids))
	out := map[string]container.StatsResponse{}
	var errs []error
	for _, id := range ids {
		if f.fail[id] {
			errs = append(errs, fmt.Errorf("stats %s: boom", id))
			continue
		}
		var s container.StatsResponse
		s.Read = time.Unix(int64(f.now), 0)
		s.CPUStats.CPUUsage.TotalUsage = uint64(float64(f.now) * f.load[id] * 1e9)
		s.CPUStats.SystemUsage = f.now * 2e9
		s.CPUStats.OnlineCPUs = 2
		s.MemoryStats.Usage = f.mem[id]
		s.MemoryStats.Limit = 1 << 30
		out[id] = s
	}
	return out, errs
}

func newFakeSource(f *fakeDocker, budget int) *StatsSource {
	return &StatsSource{sample: f.sample, budget: budget, seen: map[string]*sampled{}}
}

func fleet(n int) (ids []string, owner map[string]string, f *fakeDocker) {
	owner = map[string]string{}
	f = &fakeDocker{load: map[string]float64{}, mem: map[string]uint64{}, fail: map[string]bool{}}
	for i := range n {
		id := fmt.Sprintf("c%03d", i)
		ids = append(ids, id)
		owner[id] = fmt.Sprintf("svc%03d", i)
		f.load[id] = float64(i%10) / 10
		f.mem[id] = uint64(i+1) << 20
	}
	return ids, owner, f
}

// A fleet within the budget is sampled whole on every fetch: two samples
// per container the first time (CPU at once), one afterwards.
func TestStatsSmallFleetEveryFetch(t *testing.T) {
	ids, owner, f := fleet(20)
	s := newFakeSource(f, 48)
	for fetch := 1; fetch <= 3; fetch++ {
		before := f.requests
		if errs := s.sampleShare(context.Background(), ids); len(errs) != 0 {
			t.Fatal(errs)
		}
		want := 20
		if fetch == 1 {
			want = 40
		}
		if got := f.requests - before; got != want {
			t.Fatalf("fetch %d: %d requests, want %d", fetch, got, want)
		}
		out := s.sums(owner)
		for i, id := range ids {
			m := out.Metrics[owner[id]]
			if !m.CPUPct.Valid || math.Abs(m.CPUPct.V-float64(i%10)*10) > 0.01 || m.MemBytes.V != float64(f.mem[id]) {
				t.Fatalf("fetch %d: %s = %+v, want CPU %d%%, mem %d", fetch, id, m, i%10*10, f.mem[id])
			}
		}
	}
}

// A fleet beyond the budget costs the same per fetch whatever its size:
// new containers get memory at once and CPU at their next turn, every
// container is covered within ceil(n/budget) fetches, and afterwards none
// waits longer than that between two samples.
func TestStatsLargeFleetInTurns(t *testing.T) {
	const n, budget = 200, 48
	ids, owner, f := fleet(n)
	s := newFakeSource(f, budget)
	turns := (n + budget - 1) / budget
	for fetch := 1; fetch <= 4*turns; fetch++ {
		before := f.requests
		if errs := s.sampleShare(context.Background(), ids); len(errs) != 0 {
			t.Fatal(errs)
		}
		if got := f.requests - before; got > budget {
			t.Fatalf("fetch %d: %d requests, budget %d", fetch, got, budget)
		}
		out := s.sums(owner)
		if fetch == turns && len(out.Metrics) != n {
			t.Fatalf("after %d fetches %d of %d services have memory", fetch, len(out.Metrics), n)
		}
		if fetch >= 2*turns {
			for _, id := range ids {
				if m := out.Metrics[owner[id]]; !m.CPUPct.Valid {
					t.Fatalf("fetch %d: %s has no CPU yet", fetch, id)
				}
				if gap := s.fetches - s.seen[id].fetch; gap >= uint64(turns) {
					t.Fatalf("fetch %d: %s last sampled %d fetches ago, want < %d", fetch, id, gap, turns)
				}
			}
		}
	}
	// CPU is the average between a container's two last samples.
	m := s.sums(owner).Metrics["svc007"]
	if math.Abs(m.CPUPct.V-70) > 0.01 {
		t.Fatalf("svc007 CPU %.2f, want 70", m.CPUPct.V)
	}
}

// A container that fails keeps its last figures and goes first next time;
// one that is gone is forgotten.
func TestStatsFailureAndGone(t *testing.T) {
	ids, owner, f := fleet(6)
	s := newFakeSource(f, 6) // one sample each per fetch after the first
	ctx := context.Background()
	s.sampleShare(ctx, ids) // budget 6 < 12: one sample each, no CPU yet
	s.sampleShare(ctx, ids)
	if m := s.sums(owner).Metrics["svc003"]; !m.CPUPct.Valid {
		t.Fatalf("svc003 after two fetches: %+v", m)
	}
	f.fail["c003"] = true
	f.load["c003"] = 0.9
	if errs := s.sampleShare(ctx, ids); len(errs) != 1 {
		t.Fatalf("errors %v, want c003's", errs)
	}
	if m := s.sums(owner).Metrics["svc003"]; math.Abs(m.CPUPct.V-30) > 0.01 {
		t.Fatalf("svc003 after a failed sample: %+v, want its last CPU 30", m)
	}
	s.budget = 1
	f.fail["c003"] = false
	s.sampleShare(ctx, ids)
	if f.waves[len(f.waves)-1] != 1 || s.seen["c003"].fetch != s.fetches {
		t.Fatalf("c003 (failed last) was not sampled first: waves %v", f.waves)
	}
	delete(owner, "c005")
	s.forget(owner)
	if _, ok := s.sums(owner).Metrics["svc005"]; ok || s.seen["c005"] != nil {
		t.Fatal("a gone container still has figures")
	}
}
