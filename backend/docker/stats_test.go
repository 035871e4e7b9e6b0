package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
)

func load(t *testing.T, name string) container.StatsResponse {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var s container.StatsResponse
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// Recorded on Engine 20.10 with cgroup v1 (testdata/README.md).
func TestComputeCgroupV1Recorded(t *testing.T) {
	got := compute(load(t, "stats-v1-a.json"), load(t, "stats-v1-b.json"))
	// CPU: (1305597969-799903956) / (8360110000000-8358110000000) × 2 CPUs × 100
	if want := 505694013.0 / 2e9 * 2 * 100; !near(got.CPUPct, want) {
		t.Errorf("CPU %.6f, want %.6f (about the 0.5 CPU quota)", got.CPUPct, want)
	}
	// Memory: usage 27615232 − total_inactive_file 16777216 (the fsynced
	// file's page cache), of the 64 MiB limit.
	if got.MemBytes != 10838016 || got.MemLimitBytes != 64<<20 {
		t.Errorf("memory %d of %d", got.MemBytes, got.MemLimitBytes)
	}
	if want := 100 * 10838016.0 / (64 << 20); !near(got.MemPct, want) {
		t.Errorf("MemPct %.6f, want %.6f", got.MemPct, want)
	}
	if got.BlkReadBps != 0 || got.BlkWriteBps != 0 {
		t.Errorf("block I/O from empty lists: %+v", got)
	}
}

// Constructed in the cgroup v2 shape (testdata/README.md).
func TestComputeCgroupV2(t *testing.T) {
	got := compute(load(t, "stats-v2-a.json"), load(t, "stats-v2-b.json"))
	want := Stats{
		CPUPct:        75,        // 1.5e9 / 8e9 × 4 × 100
		MemBytes:      160 << 20, // 220 MiB − inactive_file 60 MiB
		MemLimitBytes: 512 << 20,
		MemPct:        31.25,   // 160 / 512
		BlkReadBps:    1 << 20, // 2 MiB over 2 s
		BlkWriteBps:   5 << 20, // 10 MiB over 2 s
	}
	if !near(got.CPUPct, want.CPUPct) || got.MemBytes != want.MemBytes || got.MemLimitBytes != want.MemLimitBytes ||
		!near(got.MemPct, want.MemPct) || !near(got.BlkReadBps, want.BlkReadBps) || !near(got.BlkWriteBps, want.BlkWriteBps) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestCPUPercentEdges(t *testing.T) {
	cur := container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 300, PercpuUsage: []uint64{150, 150}}, SystemUsage: 2000}
	prev := container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 100}, SystemUsage: 1000}
	// No online_cpus (API < 1.27): the per-CPU list gives the count.
	if got := cpuPercent(prev, cur); !near(got, 200.0/1000*2*100) {
		t.Errorf("percpu fallback: %v", got)
	}
	// A one-shot sample alone (empty precpu) has no rate: 0, not garbage.
	if got := cpuPercent(container.CPUStats{}, cur); got != 0 {
		t.Errorf("empty previous sample: %v", got)
	}
	// Counter reset (restart between samples).
	if got := cpuPercent(container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 500}, SystemUsage: 1000}, cur); got != 0 {
		t.Errorf("counter went back: %v", got)
	}
}

func TestMemUsedAndBlkio(t *testing.T) {
	cases := []struct {
		name string
		m    container.MemoryStats
		want uint64
	}{
		{"v1 prefers total_inactive_file", container.MemoryStats{Usage: 100, Stats: map[string]uint64{"total_inactive_file": 30, "inactive_file": 10}}, 70},
		{"v2", container.MemoryStats{Usage: 100, Stats: map[string]uint64{"inactive_file": 40}}, 60},
		{"cache larger than usage", container.MemoryStats{Usage: 100, Stats: map[string]uint64{"total_inactive_file": 200}}, 100},
		{"no stats", container.MemoryStats{Usage: 100}, 100},
	}
	for _, c := range cases {
		if got := memUsed(c.m); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// cgroup v1 lists Read, Write, Sync, Async and Total per device: only
	// Read and Write count, summed over devices.
	r, w := blkBytes(container.BlkioStats{IoServiceBytesRecursive: []container.BlkioStatEntry{
		{Major: 253, Op: "Read", Value: 614400}, {Major: 253, Op: "Write", Value: 100},
		{Major: 253, Op: "Sync", Value: 7}, {Major: 253, Op: "Async", Value: 614493}, {Major: 253, Op: "Total", Value: 614500},
		{Major: 8, Op: "Read", Value: 1}, {Major: 8, Op: "Write", Value: 2},
	}})
	if r != 614401 || w != 102 {
		t.Errorf("blkio read %d write %d", r, w)
	}
	if rate(10, 5, 1) != 0 || rate(0, 10, 2) != 5 {
		t.Error("rate")
	}
}

func TestStatsFailuresAreOneLine(t *testing.T) {
	var errs []error
	for i := 0; i < 200; i++ {
		errs = append(errs, fmt.Errorf("stats c%d: %w", i, context.DeadlineExceeded))
	}
	err := summarize(errs, 200)
	if strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "failed 200 times for 200 containers") ||
		!errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %q", err)
	}
	if summarize(nil, 3) != nil || summarize(errs[:1], 3) != errs[0] {
		t.Fatal("zero or one failure must pass through")
	}
}
