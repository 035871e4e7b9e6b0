package sshconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/ssh"
)

// resolver writes body as <home>/.ssh/config and returns a Resolver on it.
func resolver(t *testing.T, body string) (*Resolver, string) {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(home, ".ssh", "config")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p, home, true)
	if err != nil {
		t.Fatal(err)
	}
	return &Resolver{File: f, Home: home, LocalUser: "me"}, home
}

func TestAliasHostNameUserPortAndFiles(t *testing.T) {
	r, home := resolver(t, `
Host web1 web-*
  HostName %h.internal
  User deploy
  Port 2222
  IdentityFile ~/.ssh/id_work
  IdentityFile %d/keys/%r@%h
  CertificateFile ~/.ssh/id_work-cert.pub
  IdentitiesOnly yes
  UserKnownHostsFile ~/.ssh/kh_work /etc/ssh/kh_%n

Host *
  User fallback
  IdentityFile ~/.ssh/id_never
`)
	h, err := r.Resolve("web1", "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := ssh.Host{
		Name: "web1", Addr: "web1.internal:2222", User: "deploy",
		IdentityFiles:    []string{home + "/.ssh/id_work", home + "/keys/deploy@web1.internal", home + "/.ssh/id_never"},
		CertificateFiles: []string{home + "/.ssh/id_work-cert.pub"},
		IdentitiesOnly:   true,
		KnownHosts:       []string{home + "/.ssh/kh_work", "/etc/ssh/kh_web1"},
	}
	if !reflect.DeepEqual(h, want) {
		t.Fatalf("got  %+v\nwant %+v", h, want)
	}
	// The ssh:// URL's user and port win over the file.
	h, err = r.Resolve("web-7", "root", "22")
	if err != nil || h.Addr != "web-7.internal:22" || h.User != "root" {
		t.Fatalf("URL overrides: %+v, %v", h, err)
	}
	// A name the file has no Host line for still gets the Host * defaults,
	// and ~/.ssh/known_hosts.
	h, err = r.Resolve("10.0.0.5", "", "")
	if err != nil || h.Addr != "10.0.0.5:22" || h.User != "fallback" ||
		!reflect.DeepEqual(h.KnownHosts, []string{home + "/.ssh/known_hosts", home + "/.ssh/known_hosts2"}) {
		t.Fatalf("plain host: %+v, %v", h, err)
	}
	if !r.Has("web1") || !r.Has("web-3") || r.Has("10.0.0.5") || r.Has("typo") {
		t.Error("Has: only names a Host line other than * matches")
	}
}

func TestProxyJumpChains(t *testing.T) {
	r, _ := resolver(t, `
Host target
  HostName 10.0.0.9
  ProxyJump ops@bastion:2200,inner
Host bastion
  HostName bastion.example.com
  User nobody
  ProxyJump edge
Host inner
  HostName 10.0.0.2
  ProxyJump never-used
Host edge
  HostName edge.example.com
Host v6
  ProxyJump ssh://[2001:db8::1]:2022
`)
	h, err := r.Resolve("target", "", "")
	if err != nil {
		t.Fatal(err)
	}
	var chain []string
	for j := &h; j != nil; j = j.Jump {
		chain = append(chain, j.User+"@"+j.Addr)
	}
	// target via inner via bastion (its user and port from the spec) via
	// bastion's own ProxyJump; inner's own ProxyJump is the chain's.
	want := []string{"@10.0.0.9:22", "@10.0.0.2:22", "ops@bastion.example.com:2200", "@edge.example.com:22"}
	if !reflect.DeepEqual(chain, want) {
		t.Fatalf("chain %q, want %q", chain, want)
	}
	h, err = r.Resolve("v6", "", "")
	if err != nil || h.Jump == nil || h.Jump.Addr != "[2001:db8::1]:2022" {
		t.Fatalf("IPv6 hop: %+v, %v", h.Jump, err)
	}
}

func TestResolveErrors(t *testing.T) {
	r, _ := resolver(t, `
Host a
  ProxyJump b
Host b
  ProxyJump a
Host self
  ProxyJump self
Host pc
  ProxyCommand nc %h %p
Host badport
  Port ssh
Host badjump
  ProxyJump user@:22
Host token
  IdentityFile ~/.ssh/%C
`)
	for name, want := range map[string]string{
		"a":       "ProxyJump loop: a → b → a (~/.ssh/config)",
		"self":    "ProxyJump loop: self → self",
		"pc":      "pc: ProxyCommand is not supported",
		"badport": `badport: port "ssh" is not a port number`,
		"badjump": `badjump: ProxyJump "user@:22": a hop has no host`,
		"token":   "token: IdentityFile \"~/.ssh/%C\": token %C is not supported by opsdeck",
	} {
		_, err := r.Resolve(name, "", "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
}

// StrictHostKeyChecking no and accept-new are quoted in the host's
// refusal note, never honoured; yes and ask say nothing.
func TestStrictHostKeyCheckingIsOnlyQuoted(t *testing.T) {
	r, _ := resolver(t, `
Host lax
  StrictHostKeyChecking no
Host newish
  StrictHostKeyChecking accept-new
Host strict
  StrictHostKeyChecking yes
`)
	for name, want := range map[string]string{
		"lax":    "~/.ssh/config says StrictHostKeyChecking no for alias lax; opsdeck always checks host keys",
		"newish": "~/.ssh/config says StrictHostKeyChecking accept-new for alias newish; opsdeck always checks host keys",
		"strict": "",
	} {
		h, err := r.Resolve(name, "", "")
		if err != nil || h.HostKeyNote != want {
			t.Errorf("%s: note %q (%v), want %q", name, h.HostKeyNote, err, want)
		}
	}
}

// opsdeck's own hosts win where they say something; the file adds keys
// and trust, and opsdeck's known_hosts is kept beside UserKnownHostsFile.
func TestKnownHostsWin(t *testing.T) {
	r, home := resolver(t, `
Host db
  HostName elsewhere
  User fileuser
  ProxyJump bastion
  IdentityFile ~/.ssh/id_db
  UserKnownHostsFile ~/.ssh/kh_db
Host bastion
  HostName bastion.example.com
`)
	r.Known = []Known{{Name: "db", Addr: "10.0.0.5:22", User: "postgres"}, {Name: "plain", Addr: "10.0.0.6:22"}}
	r.KnownHosts = "/etc/opsdeck/known_hosts"
	r.OwnIdentities = true
	h, err := r.Resolve("db", "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := ssh.Host{Name: "db", Addr: "10.0.0.5:22", User: "postgres", IdentityFiles: []string{home + "/.ssh/id_db"},
		KnownHosts: []string{"/etc/opsdeck/known_hosts", home + "/.ssh/kh_db"}}
	if !reflect.DeepEqual(h, want) {
		t.Fatalf("got  %+v\nwant %+v", h, want)
	}
	h, err = r.Resolve("plain", "svc", "")
	if err != nil || h.User != "svc" || !reflect.DeepEqual(h.KnownHosts, []string{"/etc/opsdeck/known_hosts"}) || h.IdentityFiles != nil {
		t.Fatalf("plain known host: %+v, %v", h, err)
	}
	if !r.Has("plain") {
		t.Error("Has misses a sources.ssh.hosts name")
	}
}

// ssh's default key files are used when nothing names one, those that
// exist only.
func TestDefaultIdentities(t *testing.T) {
	r, home := resolver(t, "Host x\n  HostName 10.0.0.1\n")
	if err := os.WriteFile(filepath.Join(home, ".ssh", "id_ed25519"), []byte("k"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := r.Resolve("x", "", "")
	if err != nil || !reflect.DeepEqual(h.IdentityFiles, []string{home + "/.ssh/id_ed25519"}) {
		t.Fatalf("%+v, %v", h.IdentityFiles, err)
	}
	r.OwnIdentities = true
	if h, _ = r.Resolve("x", "", ""); h.IdentityFiles != nil {
		t.Fatalf("with opsdeck's identity_files: %v", h.IdentityFiles)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if f, err := Load(filepath.Join(dir, "none"), dir, false); f != nil || err != nil {
		t.Errorf("missing default file: %v, %v", f, err)
	}
	if _, err := Load(filepath.Join(dir, "none"), dir, true); err == nil || !strings.Contains(err.Error(), "none") {
		t.Errorf("missing named file: %v", err)
	}
	// Without a file, names resolve as themselves.
	r := &Resolver{Home: dir}
	h, err := r.Resolve("host.example.com", "u", "")
	if err != nil || h.Addr != "host.example.com:22" || h.User != "u" || r.Has("host.example.com") {
		t.Errorf("no file: %+v, %v", h, err)
	}
}
