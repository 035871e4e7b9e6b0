//go:build unix && integration

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// statusDoc is the part of status --json these tests read.
type statusDoc struct {
	Demo       bool    `json:"demo"`
	DemoReason *string `json:"demo_reason"`
	Sources    []struct {
		Name  string  `json:"name"`
		OK    bool    `json:"ok"`
		Error *string `json:"error"`
	} `json:"sources"`
	Services []struct {
		Name      string   `json:"name"`
		Project   string   `json:"project"`
		Component string   `json:"component"`
		Host      string   `json:"host"`
		RPS       *float64 `json:"rps"`
	} `json:"services"`
}

func zeroStatus(t *testing.T, env ...string) statusDoc {
	t.Helper()
	r := runOpsdeck(t, append([]string{"OPSDECK_DEMO="}, env...), "status", "--json")
	var doc statusDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return doc
}

// projectsOf is the services of the document by project.
func (d statusDoc) projectsOf() map[string][]string {
	out := map[string][]string{}
	for _, s := range d.Services {
		out[s.Project] = append(out[s.Project], s.Name)
	}
	return out
}

// With no config and DOCKER_HOST naming the test bed's engine, status
// lists its compose projects from that engine, named with why it was
// picked; a DOCKER_CONTEXT written as `docker context create` writes it is
// found the same way; with no engine answering, the demo, saying why.
func TestZeroConfigFindsTheEngine(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.DockerHost)
	host := env[testbed.DockerHost]
	wantProjects := strings.Split(env[testbed.FleetProject], ",")

	check := func(t *testing.T, doc statusDoc, source string) {
		t.Helper()
		if doc.Demo || len(doc.Sources) == 0 || doc.Sources[0].Name != source || !doc.Sources[0].OK {
			t.Fatalf("demo %v, sources %+v, want %s", doc.Demo, doc.Sources, source)
		}
		got := doc.projectsOf()
		for _, p := range wantProjects {
			if len(got[p]) == 0 {
				t.Errorf("the test bed's compose project %s is not listed: %v", p, got)
			}
		}
	}
	t.Run("DOCKER_HOST", func(t *testing.T) {
		check(t, zeroStatus(t, "DOCKER_HOST="+host), "docker@local (DOCKER_HOST)")
	})
	t.Run("DOCKER_CONTEXT", func(t *testing.T) {
		dir := t.TempDir()
		sum := sha256.Sum256([]byte("testbed"))
		meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
		if err := os.MkdirAll(meta, 0o700); err != nil {
			t.Fatal(err)
		}
		doc := `{"Name":"testbed","Metadata":{"Description":"opsdeck test bed"},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
		if err := os.WriteFile(filepath.Join(meta, "meta.json"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		check(t, zeroStatus(t, "DOCKER_CONFIG="+dir, "DOCKER_CONTEXT=testbed"), "docker@testbed (context testbed (DOCKER_CONTEXT))")
		// The context in use, as `docker context use testbed` leaves it.
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"testbed"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		check(t, zeroStatus(t, "DOCKER_CONFIG="+dir), "docker@testbed (context testbed (docker context use))")

		// A config naming the context instead of a host.
		cfg := configFile(t, "environment: testbed\nsources:\n  docker: [{context: testbed}]\n")
		r := runOpsdeck(t, []string{"DOCKER_CONFIG=" + dir}, "status", "--json", "--config", cfg)
		var named statusDoc
		if err := json.Unmarshal([]byte(r.stdout), &named); err != nil {
			t.Fatalf("status --json: %v\n%s\n%s", err, r.stdout, r.stderr)
		}
		check(t, named, "docker@testbed (context)")
	})
	t.Run("nothing answers", func(t *testing.T) {
		doc := zeroStatus(t, "DOCKER_HOST=unix://"+filepath.Join(t.TempDir(), "no.sock"))
		if !doc.Demo || doc.DemoReason == nil || !strings.Contains(*doc.DemoReason, "does not answer") {
			t.Fatalf("demo %v reason %v, want the demo and why", doc.Demo, doc.DemoReason)
		}
	})
}

// The console started with no config on the test bed's engine: the
// header names the engine and why, the services screen its compose
// projects.
func TestZeroConfigConsole(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.DockerHost)
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 160, Height: 40,
		Env: []string{"OPSDECK_DEMO=", "DOCKER_HOST=" + env[testbed.DockerHost]}})
	c.WaitFor("docker@local (DOCKER_HOST)")
	if strings.Contains(c.Screen(), "DEMO") {
		t.Errorf("the demo on a machine whose engine answers:\n%s", c.Screen())
	}
	c.Keys("2")
	waitHeading(t, c, "SERVICE STATUS (by Project)")
	for _, p := range strings.Split(env[testbed.FleetProject], ",") {
		c.WaitFor(p)
	}
}
