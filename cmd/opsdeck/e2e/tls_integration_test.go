//go:build unix && integration

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// The console on the test bed's TLS Prometheus: a wrong password reads as
// the refusal it is on the panels' staleness lines, and a certificate not checked
// (insecure_skip_verify) carries a badge in the header.
func TestConsoleOnTLSPrometheus(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.PromTLSURL, testbed.TLSUser, testbed.TLSPasswordFile)
	testbed.Loopback(t, strings.TrimPrefix(env[testbed.PromTLSURL], "https://"))
	wrong := filepath.Join(t.TempDir(), "wrong-password")
	if err := os.WriteFile(wrong, []byte("not-the-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, passwordFile, want string
	}{
		{"wrong password", wrong, "✖ prometheus: prometheus " + strings.TrimPrefix(env[testbed.PromTLSURL], "https://") +
			": 401 Unauthorized (basic auth as " + env[testbed.TLSUser] + ")"},
		{"right password", env[testbed.TLSPasswordFile], "refreshed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			body := fmt.Sprintf(`environment: testbed
projects:
  - name: chat
    services: [{component: backend, name: chat-backend}]
sources:
  prometheus:
    url: %q
    service_label: service
    basic_auth: {username: %s, password_file: %q}
    tls_config: {insecure_skip_verify: true}
`, env[testbed.PromTLSURL], env[testbed.TLSUser], c.passwordFile)
			cfg := configFile(t, body)
			con := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 160, Height: 40, Args: []string{"--config", cfg}})
			con.Until(c.want, 30*time.Second, func(s string) bool { return strings.Contains(s, c.want) })
			screen := con.Screen()
			if header, _, _ := strings.Cut(screen, "\n"); !strings.Contains(header, "prometheus  INSECURE") {
				t.Errorf("header lacks the badge: %q", header)
			}
			if c.name == "right password" && strings.Contains(screen, "last error") {
				t.Errorf("an error with the right password:\n%s", screen)
			}
		})
	}
}
