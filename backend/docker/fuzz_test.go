package docker

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/manacore/opsdeck/backend"
)

// FuzzCopyLines: whatever a container writes, demultiplexed or raw, the
// log reader never panics, every line is one stream's, has no newline and
// is at most maxLine bytes; and what each stream wrote comes out whole,
// in order (bar the newlines and carriage returns that end lines).
func FuzzCopyLines(f *testing.F) {
	f.Add([]byte("2026-11-26T12:00:00.123456789Z GET /api 200\n"), []byte("2026-11-26T12:00:01Z WARN slow\n"), true)
	f.Add([]byte("plain\r\nno end"), []byte("\x1b[31merr\x1b[0m\n"), false)
	f.Add(bytes.Repeat([]byte("x"), maxLine+5), []byte{}, false)
	f.Add([]byte("2026-11-26T12:00:00Z\n"), []byte("\x01\x00\x00\x00\xff\xff\xff\xff"), true)
	f.Fuzz(func(t *testing.T, stdout, stderr []byte, stamped bool) {
		check := func(mode string, lines []LogLine) {
			for _, l := range lines {
				if (l.Stream != "stdout" && l.Stream != "stderr") || len(l.Text) > maxLine || strings.Contains(l.Text, "\n") {
					t.Fatalf("%s: bad line %q (%s, %d bytes)", mode, l.Text, l.Stream, len(l.Text))
				}
			}
		}
		collect := func(r []byte, tty bool) ([]LogLine, error) {
			var lines []LogLine
			err := copyLines(bytes.NewReader(r), tty, stamped, func(l LogLine) { lines = append(lines, l) })
			return lines, err
		}
		// Raw bytes as a TTY stream and as a (probably broken) multiplexed one.
		raw, err := collect(stdout, true)
		if err != nil {
			t.Fatalf("tty stream: %v", err)
		}
		check("tty", raw)
		junk, _ := collect(stdout, false)
		check("mux junk", junk)

		// A well-formed multiplexed stream: both streams come out whole.
		var mux bytes.Buffer
		stdcopy.NewStdWriter(&mux, stdcopy.Stdout).Write(stdout)
		stdcopy.NewStdWriter(&mux, stdcopy.Stderr).Write(stderr)
		lines, err := collect(mux.Bytes(), false)
		if err != nil {
			t.Fatalf("multiplexed stream: %v", err)
		}
		check("mux", lines)
		if stamped {
			return // the stamp is taken off each line
		}
		got := map[string]*strings.Builder{"stdout": {}, "stderr": {}}
		for _, l := range lines {
			got[l.Stream].WriteString(l.Text)
		}
		strip := strings.NewReplacer("\n", "", "\r", "")
		for name, in := range map[string][]byte{"stdout": stdout, "stderr": stderr} {
			if g, w := strip.Replace(got[name].String()), strip.Replace(string(in)); g != w {
				t.Fatalf("%s: %q came out as %q", name, w, g)
			}
		}
	})
}

// FuzzStatsCompute: whatever two stats documents the engine sends, the
// figures are finite and not negative, memory used is at most the usage
// reported and the memory percentage is consistent with it.
func FuzzStatsCompute(f *testing.F) {
	prev := `{"read":"2026-11-26T12:00:00Z","cpu_stats":{"cpu_usage":{"total_usage":1000000000},"system_cpu_usage":50000000000,"online_cpus":2},"memory_stats":{"usage":104857600,"limit":536870912,"stats":{"inactive_file":4096}},"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":4096},{"op":"write","value":8192}]}}`
	cur := `{"read":"2026-11-26T12:00:01Z","cpu_stats":{"cpu_usage":{"total_usage":1500000000,"percpu_usage":[1,2]},"system_cpu_usage":52000000000,"online_cpus":2},"memory_stats":{"usage":110000000,"limit":536870912,"stats":{"total_inactive_file":999999999999}},"blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":9000},{"op":"Write","value":100}]}}`
	f.Add([]byte(prev), []byte(cur))
	f.Add([]byte(cur), []byte(prev))
	f.Add([]byte(`{}`), []byte(`{"memory_stats":{"usage":18446744073709551615,"limit":1}}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var p, c container.StatsResponse
		if json.Unmarshal(a, &p) != nil || json.Unmarshal(b, &c) != nil {
			return
		}
		st := compute(p, c)
		for name, v := range map[string]float64{"cpu": st.CPUPct, "mem%": st.MemPct, "read": st.BlkReadBps, "write": st.BlkWriteBps} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("%s = %v from %s / %s", name, v, a, b)
			}
		}
		if st.MemBytes > c.MemoryStats.Usage || st.MemLimitBytes != c.MemoryStats.Limit {
			t.Fatalf("mem %d of usage %d, limit %d", st.MemBytes, c.MemoryStats.Usage, st.MemLimitBytes)
		}
		if st.MemLimitBytes == 0 && st.MemPct != 0 {
			t.Fatalf("mem%% %v without a limit", st.MemPct)
		}
	})
}

// FuzzEntryOf: whatever labels, names and image references a container
// carries, discovery never panics; it takes a container into the fleet
// only with both compose labels and not one-off, names the service as
// DefaultResolve does, and the version shown is a tag (no '/' or '@') or
// the OCI label.
func FuzzEntryOf(f *testing.F) {
	f.Add("chat", "chat-backend", "", "ghcr.io/manacore/chat-backend:v1.6.0", "", "/chat-chat-backend-1", "running", "healthy", "2026-11-26T12:00:00Z")
	f.Add("picture", "web", "false", "localhost:5000/picture-web", "v2.0.0", "/picture-web-1", "exited", "", "0001-01-01T00:00:00Z")
	f.Add("chat", "migrate", "True", "repo@sha256:abc", "", "/x", "created", "", "")
	f.Add("", "svc", "", "sha256:0123", "", "", "", "", "garbage")
	f.Add("p\x1b[2J", "s\u202e", "", "a:b/c:d@e", "v\x07", "/n\x1b]0;t\x07", "running", "starting", "")
	f.Fuzz(func(t *testing.T, project, service, oneoff, image, ociVersion, name, state, health, started string) {
		labels := map[string]string{labelProject: project, labelService: service, labelOneOff: oneoff, labelVersion: ociVersion}
		in := container.InspectResponse{
			ContainerJSONBase: &container.ContainerJSONBase{ID: "3f2a9c1b", Name: name,
				State: &container.State{Status: container.ContainerState(state), StartedAt: started, Health: &container.Health{Status: container.HealthStatus(health)}}},
			Config: &container.Config{Image: image, Labels: labels},
		}
		en, ok := (&Engine{}).entryOf(in)
		if !ok {
			if project != "" && service != "" && !strings.EqualFold(oneoff, "true") {
				t.Fatalf("compose container %q/%q left out", project, service)
			}
			return
		}
		if project == "" || service == "" || strings.EqualFold(oneoff, "true") {
			t.Fatalf("took in %q/%q oneoff=%q", project, service, oneoff)
		}
		wantName, wantComp := DefaultResolve(project, service)
		if en.service != wantName || en.comp != wantComp || en.project != project || !strings.HasSuffix(en.service, service) {
			t.Fatalf("resolved %q/%q as %q (%s)", project, service, en.service, en.comp)
		}
		switch en.comp {
		case backend.ComponentBackend, backend.ComponentWeb, backend.ComponentLanding:
		default:
			t.Fatalf("component %q", en.comp)
		}
		if v := en.c.Version; v != ociVersion && strings.ContainsAny(v, "/@") {
			t.Fatalf("version %q from image %q", v, image)
		}
		if !en.c.StartedAt.IsZero() && en.c.StartedAt.Year() <= 1 {
			t.Fatalf("started %v", en.c.StartedAt)
		}
		svcs := group(map[string]entry{"3f2a9c1b": en}, "prod-1")
		if len(svcs) != 1 || svcs[0].Name != en.service || len(svcs[0].Containers) != 1 || svcs[0].LastDeploy != en.c.StartedAt {
			t.Fatalf("group: %+v", svcs)
		}
	})
}
