//go:build unix

package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// backupsConfig is the demo fleet with the chat database's dumps in dir,
// restored over SSH on db-1.
func backupsConfig(t *testing.T, dir string) string {
	t.Helper()
	o := demoConfig(t,
		"  - {name: chat, host: db-1, services: [chat-backend]}",
		"  - name: chat\n    host: db-1\n    services: [chat-backend]\n    backups: {dir: \""+dir+"\"}",
		"sources:\n", "sources:\n  ssh: {known_hosts: /etc/ssh/ssh_known_hosts, hosts: [{name: db-1, addr: \"127.0.0.1:22\"}]}\n")
	return o.Args[1]
}

// A backups.dir under hidden directories is accepted: its dumps can be
// listed. One whose dumps could never be offered is refused at its
// file:line:col, naming the element and why.
func TestBackupsDirUnderADotDirectory(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"/root/.cache/opsdeck/dumps", "/home/ops/.backups"} {
		cfg := backupsConfig(t, dir)
		if r := runOpsdeck(t, nil, "config", "validate", cfg); r.code != 0 || !strings.HasSuffix(r.stdout, ": ok (6 projects, 15 services)\n") {
			t.Errorf("backups.dir %s: exit %d\n%s%s", dir, r.code, r.stdout, r.stderr)
		}
	}
	cfg := backupsConfig(t, "/var/backups/my dumps")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(string(data[:strings.Index(string(data), "backups: {dir:")]), "\n")
	r := runOpsdeck(t, nil, "config", "validate", cfg)
	want := cfg + ":" + strconv.Itoa(line) + ":20: backups.dir \"/var/backups/my dumps\": element \"my dumps\" holds ' '"
	if r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant it to hold %q", r.code, r.stderr, want)
	}
}
