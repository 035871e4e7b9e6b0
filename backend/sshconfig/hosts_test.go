package sshconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Aliases are the names of Host lines, each once, in the file's order,
// with those of the files an unconditional Include brings in where the
// Include stands; patterns, negations, Match blocks and the files a
// conditional Include brings in name none. Has knows the included aliases
// too, and resolves them through the library.
func TestAliasesAndInclude(t *testing.T) {
	dir := t.TempDir() // Include takes an absolute path as it is
	for name, body := range map[string]string{
		"a.conf":        "Host inc-a\n  HostName 10.0.0.7\n  User incuser\n  ProxyJump bastion\n",
		"b.conf":        "Include " + filepath.Join(dir, "nested", "*.conf") + "\nHost inc-b *.b\n  Port 2200\n",
		"nested/n.conf": "Host inc-nested\n  HostName nested.example.com\n",
		"cond.conf":     "Host inc-cond\n  HostName cond.example.com\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := resolver(t, `Include `+filepath.Join(dir, "?.conf")+` # a and b
Host bastion db-1
  HostName bastion.example.com
Host db-1 *.internal !skip
  User ignored
Host Web_01 web-?
Match host matched
  User m
Host gate
  Include `+filepath.Join(dir, "cond.conf")+`
Host *
  ServerAliveInterval 30
`)
	want := []string{"inc-a", "inc-nested", "inc-b", "bastion", "db-1", "Web_01", "gate"}
	if got := r.File.Aliases(); !reflect.DeepEqual(got, want) {
		t.Fatalf("aliases %q, want %q", got, want)
	}
	for _, name := range []string{"inc-a", "inc-b", "x.b", "inc-nested", "bastion", "matched", "gate"} {
		if !r.Has(name) {
			t.Errorf("Has(%q) is false", name)
		}
	}
	if r.Has("inc-cond") {
		t.Error("Has(inc-cond): an Include under Host gate applies to gate only")
	}
	h, err := r.Resolve("inc-a", "", "")
	if err != nil || h.Addr != "10.0.0.7:22" || h.User != "incuser" || h.Jump == nil || h.Jump.Addr != "bastion.example.com:22" {
		t.Fatalf("inc-a: %+v, %v", h, err)
	}
	if h, err := r.Resolve("inc-nested", "", ""); err != nil || h.Addr != "nested.example.com:22" {
		t.Fatalf("inc-nested: %+v, %v", h, err)
	}
	var none *File
	if none.Aliases() != nil {
		t.Error("no file, aliases")
	}
}
