package tui

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// hugeSizes are the fleets of the huge-table benchmarks: the slope from
// 500 to 10,000 services is what matters, not one point.
var hugeSizes = []int{500, 2000, 10000}

// hugeScreens are the tabs whose tables have a row per service.
var hugeScreens = []string{"services", "fleet", "latency", "resources"}

// BenchmarkHugeTable renders the service tables at 200x60 for fleets of
// 500 to 10,000 services, with a filter and a sort applied (the filter
// "back" matches a third of them), and measures a keypress that moves the
// selection through to the next frame. Compare the sizes within one run:
// a frame draws only the visible rows, so its cost should grow with the
// rows the filter and sort go through, not with what is drawn.
func BenchmarkHugeTable(b *testing.B) {
	for _, n := range hugeSizes {
		snap := largeSnapshot(b, n)
		m := benchModel(b, snap)
		for _, name := range hugeScreens {
			i := m.tabIndex(name)
			if i < 0 {
				b.Fatalf("no tab %s", name)
			}
			m.switchTo(i)
			m.Update(tea.KeyPressMsg{Code: 'o', Text: "o"}) // sort by the next column
			m.Update(tea.KeyPressMsg{Code: '/', Text: "/"})
			for _, r := range "back" {
				m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			if frame := ansi.Strip(m.render()); !strings.Contains(frame, "filter: back") {
				b.Fatalf("%s: the filter is not applied:\n%s", name, frame)
			}
			b.Run(fmt.Sprintf("%s/%d/frame", name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = m.render()
				}
			})
			b.Run(fmt.Sprintf("%s/%d/keypress", name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
					_ = m.render()
				}
			})
			b.Run(fmt.Sprintf("%s/%d/intake", name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					snap.Rev++ // new data: the visible table rebuilds, filtered and sorted
					m.Update(SnapshotMsg{Snapshot: snap})
				}
			})
		}
	}
}

// BenchmarkMemoryPerService is the heap a console holds per service: the
// snapshot and every tab's rows built once, divided by the fleet size, at
// 500 and 10,000 services (reported as B/service).
func BenchmarkMemoryPerService(b *testing.B) {
	for _, n := range []int{500, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var per float64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				snap := largeSnapshot(b, n)
				m := benchModel(b, snap)
				for i := range m.specs {
					m.switchTo(i)
					_ = m.render()
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				per = float64(after.HeapInuse-before.HeapInuse) / float64(len(snap.Services))
				runtime.KeepAlive(m)
			}
			b.ReportMetric(per, "B/service")
		})
	}
}

// tabIndex is the index of the tab registered as name, -1 if none.
func (m *Model) tabIndex(name string) int {
	for i, s := range m.specs {
		if s.Name == name {
			return i
		}
	}
	return -1
}
