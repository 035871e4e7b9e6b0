//go:build integration

package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/backend/testbed/dockerbed"
)

// Everything this package's tests create carries the kit's labels for
// testPkg (dockerbed.PkgLabels); the sweep of leftovers matches the package
// label only, so the test bed's own containers on the same engine (also
// opsdeck.test=1) are never touched.
const (
	testPkg   = "backend-docker"
	imageRepo = "opsdeck-dockertest"
)

// testProgram is the containers' only process: a line on stdout and one on
// stderr every 50 ms, 25 ms apart so their order in the log is fixed; -check
// is the health probe (fails when OPSDECK_UNHEALTHY is set); -burn spins
// one core, -mem holds that many MiB, -write writes and fsyncs 1 MiB every
// 100 ms (block I/O for the stats). SIGTERM ends it at once, so stops and
// restarts do not wait for the kill timeout (a PID 1 ignores SIGTERM unless
// it handles it).
const testProgram = `package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

var spin atomic.Int64

func main() {
	check := flag.Bool("check", false, "health probe")
	burn := flag.Bool("burn", false, "spin one core")
	mem := flag.Int("mem", 0, "MiB to hold")
	write := flag.Bool("write", false, "write and fsync 1 MiB every 100 ms")
	flag.Parse()
	if *check {
		if os.Getenv("OPSDECK_UNHEALTHY") != "" {
			os.Exit(1)
		}
		if os.Getenv("OPSDECK_FLAP") != "" && time.Now().Unix()/2%2 == 1 {
			os.Exit(1) // unhealthy every other two seconds
		}
		os.Exit(0)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	hold := make([]byte, *mem<<20)
	for i := 0; i < len(hold); i += 4096 {
		hold[i] = 1
	}
	if *write {
		go func() {
			f, err := os.Create("/scratch")
			if err != nil {
				panic(err)
			}
			buf := make([]byte, 1<<20)
			for i := 0; ; i++ {
				buf[0] = byte(i)
				f.WriteAt(buf, int64(i%16)<<20)
				f.Sync()
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	if *burn {
		go func() {
			for {
				spin.Add(1)
			}
		}()
	}
	pause := func() {
		select {
		case <-sig:
			os.Exit(0)
		case <-time.After(25 * time.Millisecond):
		}
	}
	for n := 0; ; n++ {
		fmt.Fprintf(os.Stdout, "out %d\n", n)
		pause()
		fmt.Fprintf(os.Stderr, "err %d\n", n)
		pause()
		runtime.KeepAlive(hold)
	}
}
`

const dockerfile = `FROM scratch
ARG VERSION
LABEL org.opencontainers.image.version=$VERSION
COPY app /app
HEALTHCHECK --interval=1s --timeout=3s --retries=1 CMD ["/app", "-check"]
ENTRYPOINT ["/app"]
`

// harness is the state TestMain prepares: the images the tests run. Each
// test has its own dockerbed.Bed (client, project, container cleanup).
var harness struct {
	host    string // engine address from the test bed env
	v1ID    string // image ID of :v1
	err     error  // setup failure, reported by every test
	tc      *client.Client
	tmp     string
	started bool
}

func TestMain(m *testing.M) {
	code := func() int {
		vals, err := testbed.Load()
		if err != nil || vals[testbed.DockerHost] == "" {
			return m.Run() // the tests skip (or fail under CI) via testbed.Need
		}
		harness.started = true
		t0 := time.Now()
		harness.err = setup(vals[testbed.DockerHost])
		fmt.Fprintf(os.Stderr, "harness: setup %v (err %v)\n", time.Since(t0).Round(time.Millisecond), harness.err)
		defer teardown()
		return m.Run()
	}()
	os.Exit(code)
}

func setup(host string) error {
	harness.host = host
	tc, err := dockerbed.Connect(host)
	if err != nil {
		return err
	}
	harness.tc = tc
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	if err := dockerbed.RemoveLeftovers(ctx, tc, testPkg); err != nil {
		return fmt.Errorf("remove leftovers: %w", err)
	}
	harness.tmp, err = os.MkdirTemp("", "odt")
	if err != nil {
		return err
	}
	if err := buildProgram(ctx, harness.tmp); err != nil {
		return err
	}
	for _, v := range []string{"v1", "v2"} {
		if err := buildImage(ctx, harness.tmp, v); err != nil {
			return fmt.Errorf("build %s: %w", v, err)
		}
	}
	in, err := tc.ImageInspect(ctx, imageRepo+":v1")
	if err != nil {
		return err
	}
	harness.v1ID = in.ID
	return nil
}

func teardown() {
	if harness.tc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := dockerbed.RemoveLeftovers(ctx, harness.tc, testPkg); err != nil {
		fmt.Fprintln(os.Stderr, "harness: cleanup:", err)
	}
	for _, v := range []string{"v1", "v2"} {
		_, _ = harness.tc.ImageRemove(ctx, imageRepo+":"+v, image.RemoveOptions{Force: true, PruneChildren: true})
	}
	_ = harness.tc.Close()
	if harness.tmp != "" {
		_ = os.RemoveAll(harness.tmp)
	}
}

func buildProgram(ctx context.Context, dir string) error {
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(testProgram), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module odtapp\n\ngo 1.22\n"), 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "app"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOWORK=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build test program: %v\n%s", err, out)
	}
	return nil
}

// buildImage builds FROM scratch through the API with a tar context: no
// registry, no docker CLI needed.
func buildImage(ctx context.Context, dir, version string) error {
	app, err := os.ReadFile(filepath.Join(dir, "app"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{{"Dockerfile", 0o644, []byte(dockerfile)}, {"app", 0o755, app}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data))}); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	label := strings.TrimPrefix(version, "v") + ".0.0" // v1 → 1.0.0: the OCI version label differs from the tag
	resp, err := harness.tc.ImageBuild(ctx, &buf, build.ImageBuildOptions{
		Tags:        []string{imageRepo + ":" + version},
		BuildArgs:   map[string]*string{"VERSION": &label},
		Remove:      true,
		ForceRemove: true,
		Labels:      dockerbed.PkgLabels(testPkg),
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}

// need skips or fails like testbed.Need and reports a setup failure; it
// returns the test's Bed, whose Project is the test's compose project.
func need(t *testing.T) *dockerbed.Bed {
	t.Helper()
	b := dockerbed.New(t, testPkg, "odt")
	if !harness.started {
		t.Fatal("harness not set up")
	}
	if harness.err != nil {
		t.Fatalf("harness setup: %v", harness.err)
	}
	return b
}

// spec is a container to create.
type spec struct {
	name             string // suffix of the unique container name
	project, service string // compose labels; empty project = not compose
	image            string // default :v1
	env, cmd         []string
	health           bool // keep the image's health check
	flap             bool // a health check that turns unhealthy and back every 2 s
	oneoff           bool
	tty              bool
	nanoCPUs, memory int64
	noStart          bool
}

// run creates (and starts) a container of b; b removes it when the test
// ends.
func run(t *testing.T, b *dockerbed.Bed, s spec) string {
	t.Helper()
	labels := map[string]string{}
	if s.project != "" {
		labels[labelProject] = s.project
		labels[labelService] = s.service
		labels[labelOneOff] = "False"
		if s.oneoff {
			labels[labelOneOff] = "True"
		}
	}
	cfg := &container.Config{Image: s.image, Labels: labels, Env: s.env, Cmd: s.cmd, Tty: s.tty}
	if cfg.Image == "" {
		cfg.Image = imageRepo + ":v1"
	}
	switch {
	case s.flap:
		cfg.Env = append(cfg.Env, "OPSDECK_FLAP=1")
		cfg.Healthcheck = &container.HealthConfig{Test: []string{"CMD", "/app", "-check"},
			Interval: 500 * time.Millisecond, Timeout: 2 * time.Second, Retries: 1}
	case !s.health:
		cfg.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
	}
	// No network: the program serves nothing, and the test must not depend
	// on (or touch) the engine's bridge; the test bed runs dockerd with
	// --bridge=none.
	hc := &container.HostConfig{NetworkMode: "none", Resources: container.Resources{NanoCPUs: s.nanoCPUs, Memory: s.memory}}
	name := b.Project + "-" + s.name
	id := b.Create(name, cfg, hc)
	if !s.noStart {
		b.Start(name)
	}
	return id
}

// startEngine runs e until the test ends.
func startEngine(t *testing.T, e *Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
		_ = e.Close()
	})
}

// proxy is an HTTP proxy on a unix socket in front of the engine. It counts
// the stats requests in flight and the event subscriptions, and can be
// stopped and started again to break the event stream.
type proxy struct {
	path     string
	upstream *url.URL
	rp       *httputil.ReverseProxy

	mu  sync.Mutex
	srv *http.Server

	statsNow, statsMax atomic.Int32
	statsTotal         atomic.Int32 // stats requests so far
	inspects           atomic.Int32 // GET /containers/{id}/json so far
	subscriptions      atomic.Int32
	conns              atomic.Int32 // connections accepted so far
}

func newProxy(t *testing.T) *proxy {
	t.Helper()
	u, err := url.Parse(harness.host)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "odtp")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{path: filepath.Join(dir, "docker.sock"), upstream: u}
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		if u.Scheme == "unix" {
			return d.DialContext(ctx, "unix", u.Path)
		}
		return d.DialContext(ctx, "tcp", u.Host)
	}}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = "docker"
		},
		Transport: tr,
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	p.start(t)
	t.Cleanup(func() {
		p.stop()
		tr.CloseIdleConnections()
		_ = os.RemoveAll(dir)
	})
	return p
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/stats"):
		p.statsTotal.Add(1)
		n := p.statsNow.Add(1)
		defer p.statsNow.Add(-1)
		for {
			m := p.statsMax.Load()
			if n <= m || p.statsMax.CompareAndSwap(m, n) {
				break
			}
		}
	case strings.HasSuffix(r.URL.Path, "/events"):
		p.subscriptions.Add(1)
	case strings.HasSuffix(r.URL.Path, "/json") && !strings.HasSuffix(r.URL.Path, "/containers/json"):
		p.inspects.Add(1)
	}
	p.rp.ServeHTTP(w, r)
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	_ = os.Remove(p.path)
	ln, err := net.Listen("unix", p.path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p, ErrorLog: log.New(io.Discard, "", 0), ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			p.conns.Add(1)
		}
	}}
	p.mu.Lock()
	p.srv = srv
	p.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stop closes the listener and every open connection, events included.
func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		_ = p.srv.Close()
		p.srv = nil
	}
}
