// Command bench measures opsdeck as a process: idle CPU and RSS from
// /proc, bytes written to a pseudo-terminal it owns, time to first frame,
// Docker API requests through a counting proxy and dockerd's extra CPU,
// and keypress-to-frame latency while Prometheus stalls. With the Go
// benchmark output (-gobench) it writes BENCHMARKS.md. `make bench` runs
// it; see the Makefile.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// result is one line of BENCHMARKS.md.
type result struct{ figure, value, target, how string }

type bench struct {
	bin, testbed string
	dur          time.Duration
	w, h         int
	tmp          string
	profileDir   string // -profile: where each session writes its pprof files
	quick        bool   // -quick: opsdeck's own idle windows only (see main)
	results      []result
	notes        []string
}

func (b *bench) add(figure, value, target, how string) {
	b.results = append(b.results, result{figure, value, target, how})
	log.Printf("%s: %s (target %s)", figure, value, target)
}

func main() {
	var (
		b        bench
		out      = flag.String("out", "BENCHMARKS.md", "report to write")
		gobench  = flag.String("gobench", "bench.txt", "output of go test -bench to include ('' to skip)")
		services = flag.Int("services", 200, "services of the simulated fleet")
		sizes    = flag.String("containers", "200,20", "test bed sizes to measure, comma-separated ('' skips the test bed)")
		sim      = flag.Bool("sim", true, "measure the simulated fleet")
		scraped  = flag.Bool("scraped", true, "also measure each test bed size with every scale container a Prometheus target")
		follow   = flag.Duration("logfollow", 10*time.Minute, "log follow window (issue: 10 min; 0 skips)")
		viewers  = flag.Bool("viewers", true, "measure opsdeck serve with 1, 5 and 20 OpenSSH sessions")
	)
	flag.StringVar(&b.bin, "bin", "bin/opsdeck", "opsdeck binary")
	flag.StringVar(&b.testbed, "testbed", "scripts/testbed", "test bed script")
	flag.DurationVar(&b.dur, "duration", 60*time.Second, "idle measurement window")
	flag.IntVar(&b.w, "width", 200, "terminal width")
	flag.IntVar(&b.h, "height", 50, "terminal height")
	flag.BoolVar(&b.quick, "quick", false, "opsdeck's own figures only: no dockerd window without opsdeck, no ctop-like reference, and the test bed is left at the last size (for iterating on idle CPU)")
	flag.StringVar(&b.profileDir, "profile", "", "write CPU and heap profiles of every opsdeck session to this directory (OPSDECK_CPUPROFILE/OPSDECK_MEMPROFILE)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	tmp, err := os.MkdirTemp("", "opsdeck-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	b.tmp = tmp
	if b.profileDir != "" {
		if err := os.MkdirAll(b.profileDir, 0o755); err != nil {
			log.Fatal(err)
		}
	}

	b.notes = append(b.notes,
		"ctop itself is not measured: its module is refused by the Go module proxy (403), there is no apt package and no route to GitHub releases. The \"ctop-like reference load\" rows are a stand-in built from ctop's documented approach (one streaming stats request per running container, every sample read), measured through the same proxy and /proc windows. They are not ctop: ctop also renders a UI and may differ in details.",
		"Idle Docker requests are the 15 s stats fetch: at most 48 one-shot samples (8 in flight) of the running containers whose CPU and memory Prometheus does not give, least recently sampled first, so a fetch costs the same at 20 and at 200 containers (at 200 each container is sampled about once a minute; CPU is the average between its last two samples). State comes from one list plus the events stream. The test bed's Prometheus has no cAdvisor, so there every container is sampled.")
	if *gobench != "" {
		b.goBench(*gobench)
	}
	if *sim {
		b.simIdle(*services)
		b.simFrozen(*services)
	}
	if *viewers {
		b.viewers()
	}
	if *follow > 0 {
		b.logFollow(*follow) // needs the test bed, not its scale containers
	}
	if *sizes != "" {
		for _, s := range strings.Split(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				log.Fatalf("-containers: %v", err)
			}
			b.testbedIdle(n)
			if *scraped {
				b.testbedScraped(n)
			}
		}
		b.keypress()
		// Back to the shared bed without scale containers.
		if b.quick {
			b.notes = append(b.notes, "-quick: the test bed was left with its scale containers")
		} else if err := run(b.testbed, "up"); err != nil {
			b.notes = append(b.notes, "scripts/testbed up (back to 0 scale containers) failed: "+err.Error())
		}
	}
	if err := os.WriteFile(*out, []byte(b.report()+handWritten(*out)), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *out)
}

// goBench turns BenchmarkView/BenchmarkSnapshotUpdate lines into results.
func (b *bench) goBench(path string) {
	f, err := os.Open(path)
	if err != nil {
		b.notes = append(b.notes, "no Go benchmark output: "+err.Error())
		return
	}
	defer f.Close()
	re := regexp.MustCompile(`^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)
	perService := regexp.MustCompile(`^BenchmarkMemoryPerService/(\d+)(-\d+)?\s+\d+\s+[\d.]+ ns/op\s+([\d.]+) B/service`)
	sc := bufio.NewScanner(f)
	pkg := ""
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "pkg: "); ok {
			pkg = strings.TrimPrefix(p, "github.com/manacore/opsdeck/")
		}
		if m := perService.FindStringSubmatch(sc.Text()); m != nil {
			bytes, _ := strconv.ParseFloat(m[3], 64)
			b.add("Console heap per service, "+m[1]+" services (snapshot and every tab's rows)", fmt.Sprintf("%.1f KiB", bytes/1024),
				"flat as the fleet grows", "go test -bench MemoryPerService ./tui: HeapInuse after building and drawing every tab, over the fleet size")
			continue
		}
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[3], 64)
		value := fmt.Sprintf("%.3f ms, %s B, %s allocs", ns/1e6, m[4], m[5])
		switch {
		case strings.HasPrefix(m[1], "View/"):
			b.add("View() "+strings.TrimPrefix(m[1], "View/")+", 500 services, 200x60", value, "≤ 1 ms per frame",
				"go test -bench View ./tui (tui/bench_test.go)")
		case pkg == "tui/screen" && strings.HasPrefix(m[1], "Frame/"):
			b.add("Screen frame, 200x50, "+strings.ReplaceAll(strings.TrimPrefix(m[1], "Frame/"), "-", " "), value, "(reported)",
				"go test -bench Frame ./tui/screen: draw a styled screen whose clock line changed, or lay it all out (resize)")
		case pkg == "backend/prom" && m[1] == "Fetch":
			b.add("Prometheus refresh, 200 services", value, "(reported)",
				"go test -bench Fetch ./backend/prom: a steady-state refresh (16 instant figures in one combined request, dep_up alone, history reused) answered by a local fake, one series per service each; client and fake in one process")
		case strings.HasPrefix(m[1], "HugeTable/"):
			// HugeTable/<screen>/<services>/<frame|keypress|intake>
			if f := strings.Split(m[1], "/"); len(f) == 4 {
				what := map[string]string{"frame": "frame", "keypress": "keypress to frame (j)", "intake": "new snapshot taken in"}[f[3]]
				b.add(fmt.Sprintf("Huge table %s, %s services, filtered and sorted, 200x60: %s", f[1], f[2], what), value, "grows with the rows filtered, not drawn",
					"go test -bench HugeTable ./tui (tui/bench_huge_test.go): the simulator's fleet, filter \"back\" and a sort applied")
			}
		case strings.HasPrefix(m[1], "SnapshotUpdate/"):
			what := strings.TrimPrefix(m[1], "SnapshotUpdate/")
			if what == "unchanged" {
				what = "same data (idle refresh), services visible"
			} else {
				what = "new data, " + what + " visible"
			}
			b.add("Snapshot intake, 500 services, "+what, value, "(reported)", "go test -bench SnapshotUpdate ./tui (only the visible view rebuilds)")
		}
	}
}

// run runs a command with its output on ours.
func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// start runs opsdeck under a pty; with -profile its profiles are named
// after label.
func (b *bench) start(ctx context.Context, label string, args ...string) (*session, error) {
	var env []string
	if b.profileDir != "" {
		name := strings.NewReplacer(" ", "-", ",", "").Replace(label)
		env = append(env, "OPSDECK_CPUPROFILE="+filepath.Join(b.profileDir, name+".cpu.pprof"),
			"OPSDECK_MEMPROFILE="+filepath.Join(b.profileDir, name+".heap.pprof"))
	}
	return startSession(ctx, b.bin, b.w, b.h, env, args...)
}

func machine() string {
	model := "unknown"
	if f, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(f), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("nproc %d, CPU %s, kernel %s, %s", runtime.NumCPU(), model, strings.TrimSpace(string(kernel)), runtime.Version())
}

// handWritten is the part of an earlier report from its first "## Round"
// heading on: the before/after analyses written by hand under the
// generated table, which a new run keeps.
func handWritten(path string) string {
	old, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if i := strings.Index(string(old), "\n## Round "); i >= 0 {
		return string(old[i:])
	}
	return ""
}

func (b *bench) report() string {
	var s strings.Builder
	fmt.Fprintf(&s, "# opsdeck benchmarks\n\nWritten by `make bench` (scripts/bench) on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&s, "Machine: %s. Idle window: %v, terminal %dx%d.\n\n", machine(), b.dur, b.w, b.h)
	s.WriteString("The machine is shared: other engineers build and test on the same 2 cores while this runs, so absolute\n" +
		"times are orientation only; compare figures within one run. opsdeck's own CPU seconds (from /proc) are\n" +
		"still meaningful, dockerd's extra CPU less so.\n\n")
	s.WriteString("| Figure | Value | Target | How measured |\n|---|---|---|---|\n")
	for _, r := range b.results {
		fmt.Fprintf(&s, "| %s | %s | %s | %s |\n", r.figure, r.value, r.target, r.how)
	}
	if len(b.notes) > 0 {
		s.WriteString("\n## Notes\n\n")
		for _, n := range b.notes {
			fmt.Fprintf(&s, "- %s\n", n)
		}
	}
	return s.String()
}
