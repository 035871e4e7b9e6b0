package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
)

// Stats are one container's resource figures over a short window.
type Stats struct {
	CPUPct        float64 // percent of one core (two busy cores = 200), as `docker stats`
	MemBytes      uint64  // usage minus inactive page cache, as `docker stats`
	MemLimitBytes uint64  // the container's limit, or the host's memory when unlimited
	MemPct        float64 // MemBytes in percent of MemLimitBytes
	BlkReadBps    float64 // block device bytes read per second
	BlkWriteBps   float64 // block device bytes written per second
}

// statsWindow is the time between a new container's two samples.
const statsWindow = time.Second

// How the stats are taken (StatsSource): one-shot samples, at most
// StatsConcurrency requests in flight per engine, and rates from the
// difference of two samples over the daemon's own read times. A one-shot
// sample carries no previous CPU reading (precpu_stats is empty), so one
// alone gives no CPU%. stream=false fills precpu but holds a slot for two
// collection cycles per container, and gives no block I/O rate. Measured
// on Engine 20.10.24 (API 1.41): stream=false takes 2.0 s per request; a
// one-shot returns at once when the daemon served no stats in the last
// second and otherwise at its next 1 s tick, which parallel requests share
// (4 in parallel: 1.01 s). So on 20.10 a round of StatsConcurrency
// one-shots costs about a second. Engines before API 1.41 ignore one-shot
// and answer like stream=false: slower, still correct.

// resample takes the second sample of ids window after start, the
// beginning of the first pass: where the daemon already spaced the samples
// (20.10's tick), no second is added to it.
func resample(ctx context.Context, start time.Time, window time.Duration, sample sampler, ids []string) (map[string]container.StatsResponse, []error) {
	wait := time.NewTimer(window - time.Since(start))
	select {
	case <-ctx.Done():
		wait.Stop()
		return nil, []error{ctx.Err()}
	case <-wait.C:
	}
	return sample(ctx, ids)
}

// sampler takes one sample of each of ids (Engine.sampleAll).
type sampler func(ctx context.Context, ids []string) (map[string]container.StatsResponse, []error)

// summarize turns the failures of single containers into one line: at 200
// containers a timeout would otherwise fill the status bar (and `opsdeck
// status`) with 200 copies of the same message.
func summarize(errs []error, total int) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return &statsErrors{first: errs[0], n: len(errs), total: total}
}

type statsErrors struct {
	first    error
	n, total int
}

func (e *statsErrors) Error() string {
	return fmt.Sprintf("stats failed %d times for %d containers; first: %v", e.n, e.total, e.first)
}

func (e *statsErrors) Unwrap() error { return e.first }

// sampleAll takes one one-shot sample of each running container.
func (e *Engine) sampleAll(ctx context.Context, ids []string) (map[string]container.StatsResponse, []error) {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		out  = make(map[string]container.StatsResponse, len(ids))
		errs []error
	)
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := e.sample(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case !s.Read.IsZero(): // zero read time: not running
				out[id] = s
			}
		}()
	}
	wg.Wait()
	return out, errs
}

func (e *Engine) sample(ctx context.Context, id string) (container.StatsResponse, error) {
	select {
	case e.statsSem <- struct{}{}:
	case <-ctx.Done():
		return container.StatsResponse{}, ctx.Err()
	}
	defer func() { <-e.statsSem }()
	r, err := e.cli.ContainerStatsOneShot(ctx, id)
	if err != nil {
		return container.StatsResponse{}, e.wrap("stats", id, err)
	}
	defer r.Body.Close()
	var s container.StatsResponse
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		return container.StatsResponse{}, e.wrap("stats", id, err)
	}
	return s, nil
}

// compute derives the figures from two samples of one container.
func compute(prev, cur container.StatsResponse) Stats {
	st := Stats{
		CPUPct:        cpuPercent(prev.CPUStats, cur.CPUStats),
		MemBytes:      memUsed(cur.MemoryStats),
		MemLimitBytes: cur.MemoryStats.Limit,
	}
	if st.MemLimitBytes > 0 {
		st.MemPct = 100 * float64(st.MemBytes) / float64(st.MemLimitBytes)
	}
	if dt := cur.Read.Sub(prev.Read).Seconds(); dt > 0 {
		r0, w0 := blkBytes(prev.BlkioStats)
		r1, w1 := blkBytes(cur.BlkioStats)
		st.BlkReadBps = rate(r0, r1, dt)
		st.BlkWriteBps = rate(w0, w1, dt)
	}
	return st
}

// cpuPercent is docker/cli's formula (cli/command/container/stats_helpers.go):
// container CPU time over host CPU time between two readings, times the
// number of CPUs, so one busy core reads 100.
func cpuPercent(prev, cur container.CPUStats) float64 {
	cpuDelta := float64(cur.CPUUsage.TotalUsage) - float64(prev.CPUUsage.TotalUsage)
	sysDelta := float64(cur.SystemUsage) - float64(prev.SystemUsage)
	if prev.SystemUsage == 0 || cpuDelta < 0 || sysDelta <= 0 {
		return 0
	}
	n := float64(cur.OnlineCPUs)
	if n == 0 { // engines before API 1.27 only send the per-CPU list
		n = float64(len(cur.CPUUsage.PercpuUsage))
	}
	return cpuDelta / sysDelta * n * 100
}

// memUsed is usage minus the inactive file cache, as docker/cli computes
// it: the page cache the kernel can drop is not memory the service needs.
// cgroup v1 reports it as total_inactive_file, v2 as inactive_file.
func memUsed(m container.MemoryStats) uint64 {
	if v, ok := m.Stats["total_inactive_file"]; ok && v < m.Usage {
		return m.Usage - v
	}
	if v := m.Stats["inactive_file"]; v < m.Usage {
		return m.Usage - v
	}
	return m.Usage
}

// blkBytes sums bytes read and written over all devices. cgroup v1 spells
// the ops "Read"/"Write" (with "Total" etc. besides), v2 "read"/"write".
func blkBytes(b container.BlkioStats) (read, write uint64) {
	for _, en := range b.IoServiceBytesRecursive {
		switch {
		case strings.EqualFold(en.Op, "read"):
			read += en.Value
		case strings.EqualFold(en.Op, "write"):
			write += en.Value
		}
	}
	return read, write
}

// rate is a counter's per-second increase; a counter that went back (the
// container restarted between the samples) gives no rate rather than a
// negative one.
func rate(a, b uint64, dt float64) float64 {
	if b < a {
		return 0
	}
	return float64(b-a) / dt
}
