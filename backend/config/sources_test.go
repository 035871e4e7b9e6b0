package config

import (
	"testing"
	"time"
)

// TestRealSources parses the shape scripts/testbed generates for the real
// local fleet.
func TestRealSources(t *testing.T) {
	c, err := Parse("tb.yaml", []byte(`environment: testbed
projects:
  - name: chat
    services:
      - {component: backend, name: chat-backend, host: tb-local, health_url: "http://127.0.0.1:18081/api/health"}
sources:
  docker:
    - {name: local, host: "unix:///tmp/opsdeck-testbed/docker.sock", interval: 2s, timeout: 2s}
    - {name: db-1, host: "ssh://root@db-1"}
  prometheus:
    url: "http://127.0.0.1:19090"
    service_label: service
    queries: {rps: 'sum by (service) (rate(reqs_total[1m]))'}
  alertmanager: {url: "http://127.0.0.1:19093"}
  ssh:
    known_hosts: /tmp/opsdeck-testbed/ssh/known_hosts
    identity_files: [/tmp/opsdeck-testbed/ssh/id_ed25519]
    agent: false
    hosts:
      - {name: bastion, addr: "127.0.0.1:12223", user: root}
      - {name: db-1, addr: "127.0.0.1:12222", user: root, jump: bastion}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sources
	if s.Simulator != nil {
		t.Fatal("no simulator configured")
	}
	if len(s.Docker) != 2 || s.Docker[0].Host != "unix:///tmp/opsdeck-testbed/docker.sock" || s.Docker[1].Name != "db-1" {
		t.Fatalf("docker: %+v", s.Docker)
	}
	if s.Docker[1].Interval != 2*time.Second || s.Docker[1].Timeout != 2*time.Second {
		t.Fatalf("docker defaults: %+v", s.Docker[1].Schedule)
	}
	p := s.Prometheus
	if p == nil || p.ServiceLabel != "service" || p.Interval != 5*time.Second || p.Timeout != 3*time.Second || p.Queries["rps"] == "" {
		t.Fatalf("prometheus: %+v", p)
	}
	if s.Alertmanager == nil || s.Alertmanager.URL != "http://127.0.0.1:19093" {
		t.Fatalf("alertmanager: %+v", s.Alertmanager)
	}
	if s.SSH == nil || s.SSH.Agent || len(s.SSH.Hosts) != 2 {
		t.Fatalf("ssh: %+v", s.SSH)
	}
	if h, ok := s.SSH.Host("db-1"); !ok || h.Jump != "bastion" || h.User != "root" {
		t.Fatalf("ssh host: %+v", h)
	}
}

// A docker engine's TLS files are taken from the config's directory when
// relative, as tls_config's are, and tls' place is kept for the error of a
// file that cannot be used.
func TestDockerTLSFiles(t *testing.T) {
	c, err := Parse("/etc/opsdeck/config.yaml", []byte(`environment: testbed
sources:
  docker:
    - name: vault
      host: tcp://127.0.0.1:12376
      tls: {ca_file: certs/ca.pem, cert_file: /abs/cert.pem, key_file: certs/key.pem}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Sources.Docker[0].TLS
	want := DockerTLS{CAFile: "/etc/opsdeck/certs/ca.pem", CertFile: "/abs/cert.pem", KeyFile: "/etc/opsdeck/certs/key.pem", Pos: Pos{Line: 6, Col: 7}}
	if got == nil || *got != want {
		t.Fatalf("tls %+v, want %+v", got, want)
	}
}
