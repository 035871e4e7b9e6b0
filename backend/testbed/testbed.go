// Package testbed gives integration tests the addresses of the local test
// bed that `scripts/testbed up` starts on loopback (dockerd, Prometheus,
// Alertmanager, PostgreSQL with postgres_exporter, blackbox_exporter, sshd
// and a second sshd in front of it (the jump host), a fleet of containers,
// a second Prometheus and Alertmanager behind TLS and basic auth, and a
// second dockerd on tcp with --tlsverify).
//
// The test bed writes its addresses to $OPSDECK_TESTBED_DIR/env (default
// /tmp/opsdeck-testbed/env) as KEY=VALUE lines. A test asks for the keys it
// needs with Need. When the test bed or a key is missing the test fails
// under CI=true (a missing component must never pass as a skip there) and
// is skipped otherwise, so `go test ./...` stays usable on a laptop.
//
// Integration test files carry the build tag "integration"; `make test`
// starts the test bed and passes the tag.
package testbed

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Keys written by scripts/testbed.
const (
	DockerHost      = "OPSDECK_TB_DOCKER_HOST"     // e.g. unix:///tmp/opsdeck-testbed/docker.sock
	PromURL         = "OPSDECK_TB_PROM_URL"        // http://127.0.0.1:19090
	VMURL           = "OPSDECK_TB_VM_URL"          // http://127.0.0.1:18428: VictoriaMetrics, same targets and history
	PromTargets     = "OPSDECK_TB_PROM_TARGETS"    // file_sd directory: tests add scrape targets there
	AlertmanagerURL = "OPSDECK_TB_AM_URL"          // http://127.0.0.1:19093
	PGAddr          = "OPSDECK_TB_PG_ADDR"         // 127.0.0.1:15432
	PGUser          = "OPSDECK_TB_PG_USER"         // superuser name
	PGExporterURL   = "OPSDECK_TB_PG_EXPORTER_URL" // http://127.0.0.1:19187/metrics
	BlackboxURL     = "OPSDECK_TB_BLACKBOX_URL"    // http://127.0.0.1:19115
	SSHAddr         = "OPSDECK_TB_SSH_ADDR"        // 127.0.0.1:12222
	SSHUser         = "OPSDECK_TB_SSH_USER"
	SSHKey          = "OPSDECK_TB_SSH_KEY"         // private key file (unencrypted ed25519)
	SSHKnownHosts   = "OPSDECK_TB_SSH_KNOWN_HOSTS" // known_hosts holding the sshd host key
	// The second sshd, the jump host in front of the first: the same user
	// and key, or a user certificate signed by SSHUserCA.
	SSHJumpAddr       = "OPSDECK_TB_SSH_JUMP_ADDR"        // 127.0.0.1:12223
	SSHJumpKnownHosts = "OPSDECK_TB_SSH_JUMP_KNOWN_HOSTS" // known_hosts holding the jump host's key
	SSHJumpLog        = "OPSDECK_TB_SSH_JUMP_LOG"         // its log, at DEBUG1: each forwarding it opens
	SSHJumpPIDFile    = "OPSDECK_TB_SSH_JUMP_PID_FILE"    // pid of its listener
	SSHUserCA         = "OPSDECK_TB_SSH_USER_CA"          // private key of the user CA it trusts (TrustedUserCAKeys)
	FleetProject      = "OPSDECK_TB_FLEET_PROJECT"        // compose project label of the fleet containers
	FleetServices     = "OPSDECK_TB_FLEET_SERVICES"       // comma-separated service=127.0.0.1:port list
	DepTarget         = "OPSDECK_TB_DEP_TARGET"           // container=probed URL of a dependency only one test stops
	Config            = "OPSDECK_TB_CONFIG"               // generated opsdeck config for the whole bed

	// The second Prometheus and Alertmanager, behind TLS with a CA of the
	// bed's own and basic auth as TLSUser (the password in
	// TLSPasswordFile); the Alertmanager also wants TLSClientCert.
	PromTLSURL         = "OPSDECK_TB_PROM_TLS_URL"      // https://127.0.0.1:19091
	AlertmanagerTLSURL = "OPSDECK_TB_AM_TLS_URL"        // https://127.0.0.1:19095
	TLSUser            = "OPSDECK_TB_TLS_USER"          // basic-auth user of both
	TLSPasswordFile    = "OPSDECK_TB_TLS_PASSWORD_FILE" // its password, one line
	TLSCAFile          = "OPSDECK_TB_TLS_CA_FILE"       // the CA that signed the servers' and the client's certificates
	TLSClientCert      = "OPSDECK_TB_TLS_CLIENT_CERT"   // client certificate (PEM) the TLS Alertmanager requires
	TLSClientKey       = "OPSDECK_TB_TLS_CLIENT_KEY"    // its key

	// PromPartialURL is the third Prometheus: the fleet's figures, every
	// answer with the warning of a remote_read store that is down.
	PromPartialURL = "OPSDECK_TB_PROM_PARTIAL_URL" // http://127.0.0.1:19092

	// The second dockerd, on loopback tcp with --tlsverify: its client
	// certificate, key and CA (the bed's) are ca.pem, cert.pem and key.pem
	// in DockerTLSCertPath, as DOCKER_CERT_PATH wants them. It runs one
	// compose-labelled container, of project DockerTLSProject.
	DockerTLSHost     = "OPSDECK_TB_DOCKER_TLS_HOST"      // tcp://127.0.0.1:12376
	DockerTLSCertPath = "OPSDECK_TB_DOCKER_TLS_CERT_PATH" // directory of ca.pem, cert.pem, key.pem
	DockerTLSProject  = "OPSDECK_TB_DOCKER_TLS_PROJECT"   // compose project of its container ("vault")
)

// Dir is where the test bed keeps its state.
func Dir() string {
	if d := os.Getenv("OPSDECK_TESTBED_DIR"); d != "" {
		return d
	}
	return "/tmp/opsdeck-testbed"
}

// Load reads the env file, then lets OPSDECK_TB_* variables of the process
// environment add to or override it (so a test can point at another
// component without a test bed). It fails only when neither gives anything.
func Load() (map[string]string, error) {
	vals := map[string]string{}
	f, fileErr := os.Open(filepath.Join(Dir(), "env"))
	if fileErr == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if k, v, ok := strings.Cut(line, "="); ok {
				vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "OPSDECK_TB_") {
			vals[k] = v
		}
	}
	if len(vals) == 0 && fileErr != nil {
		return nil, fileErr
	}
	return vals, nil
}

// Need returns the values of keys, failing (CI) or skipping (elsewhere)
// the test when the test bed is not up or lacks a key.
func Need(t testing.TB, keys ...string) map[string]string {
	t.Helper()
	vals, err := Load()
	missing := func(why string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("test bed component missing under CI: %s (run scripts/testbed up)", why)
		}
		t.Skipf("test bed not available: %s (run scripts/testbed up)", why)
	}
	if err != nil {
		missing(err.Error())
		return nil
	}
	for _, k := range keys {
		if vals[k] == "" {
			missing(k + " not set in " + filepath.Join(Dir(), "env"))
			return nil
		}
	}
	return vals
}

// Loopback fails the test unless addr (host:port or URL host) is on
// 127.0.0.0/8 or ::1: tests never reach outside this machine.
func Loopback(t testing.TB, hostport string) {
	t.Helper()
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		t.Fatalf("refusing to test against %q: only 127.0.0.0/8 and ::1 are allowed", hostport)
	}
}
