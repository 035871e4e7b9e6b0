package httpclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"
)

// get asks url once through a client built from cfg; it returns the
// status, or Describe of the error.
func get(t *testing.T, cfg promconfig.HTTPClientConfig, url string) (int, string) {
	t.Helper()
	c, err := New(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, Describe(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, ""
}

// password is a basic-auth server whose password can change.
type password struct {
	mu sync.Mutex
	pw string
}

func (p *password) set(pw string) {
	p.mu.Lock()
	p.pw = pw
	p.mu.Unlock()
}

func (p *password) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	want := p.pw
	p.mu.Unlock()
	if u, pw, ok := r.BasicAuth(); !ok || u != "opsdeck" || pw != want {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// replace writes a file the way secret stores rotate one: a new file
// renamed over the old, so the path names new content at once.
func replace(t *testing.T, path, data string) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// password_file is read at every request: a password rotated in the file,
// in place or by a rename, is used by the next request of the same
// client, no restart.
func TestPasswordFileIsReadAtEveryRequest(t *testing.T) {
	srv := &password{pw: "one"}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	file := write(t, t.TempDir(), "password", []byte("one\n"))
	cfg := promconfig.DefaultHTTPClientConfig
	cfg.BasicAuth = &promconfig.BasicAuth{Username: "opsdeck", PasswordFile: file}
	c, err := New(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	status := func() int {
		t.Helper()
		resp, err := c.Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != 200 {
		t.Fatalf("first request: %d", got)
	}
	srv.set("two") // the server's password changes first: refused until the file follows
	if got := status(); got != 401 {
		t.Fatalf("after the server changed: %d", got)
	}
	if err := os.WriteFile(file, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 200 {
		t.Fatalf("after the file was rewritten in place: %d", got)
	}
	srv.set("three")
	replace(t, file, "three\n")
	if got := status(); got != 200 {
		t.Fatalf("after the file was replaced: %d", got)
	}
}

// credentials_file and header files are read at every request too; header
// values go out as written.
func TestCredentialsAndHeaderFilesAreReadAtEveryRequest(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+"|"+r.Header.Get("X-Scope-OrgID")+"|"+r.Header.Get("X-Api-Key"))
		mu.Unlock()
	}))
	defer ts.Close()
	dir := t.TempDir()
	token := write(t, dir, "token", []byte("t1\n"))
	key := write(t, dir, "key", []byte("k1"))
	cfg := promconfig.DefaultHTTPClientConfig
	cfg.Authorization = &promconfig.Authorization{Type: "Bearer", CredentialsFile: token}
	cfg.HTTPHeaders = &promconfig.Headers{Headers: map[string]promconfig.Header{
		"X-Scope-OrgID": {Values: []string{"tenant-1"}}, "X-Api-Key": {Files: []string{key}}}}
	if code, why := get(t, cfg, ts.URL); code != 200 {
		t.Fatalf("%d %s", code, why)
	}
	replace(t, token, "t2")
	replace(t, key, "k2\n")
	if code, why := get(t, cfg, ts.URL); code != 200 {
		t.Fatalf("%d %s", code, why)
	}
	want := []string{"Bearer t1|tenant-1|k1", "Bearer t2|tenant-1|k2"}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the server saw\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

// tlsServer serves "ok" over TLS with a certificate signed by ca; with
// clientCAs it requires a client certificate signed by one of them.
func tlsServer(t *testing.T, ca *testCA, clientCAs *x509.CertPool) *httptest.Server {
	t.Helper()
	pair, _, _ := ca.issue(t, false)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	if clientCAs != nil {
		ts.TLS.ClientAuth, ts.TLS.ClientCAs = tls.RequireAndVerifyClientCert, clientCAs
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

// Each TLS failure says what it is and which tls_config key to look at;
// the CA file is read again when it changes.
func TestTLSFailuresNameTheirKey(t *testing.T) {
	ca, other := newCA(t, "opsdeck test CA"), newCA(t, "another CA")
	ts := tlsServer(t, ca, nil)
	dir := t.TempDir()
	caFile := write(t, dir, "ca.pem", other.pem)
	cfg := promconfig.DefaultHTTPClientConfig
	cfg.TLSConfig.CAFile = caFile

	if _, why := get(t, promconfig.DefaultHTTPClientConfig, ts.URL); why != "certificate signed by unknown authority (tls_config.ca_file?)" {
		t.Errorf("system CAs: %q", why)
	}
	c, err := New(cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(ts.URL)
	if why := Describe(err); why != "certificate signed by unknown authority (tls_config.ca_file?)" {
		t.Errorf("another CA: %q", why)
	}
	replace(t, caFile, string(ca.pem))
	resp, err := c.Get(ts.URL) // the same client: the file is read again
	if err != nil {
		t.Fatalf("after the CA file was replaced: %s", Describe(err))
	}
	resp.Body.Close()

	named := cfg
	named.TLSConfig.ServerName = "prom.internal"
	if _, why := get(t, named, ts.URL); !strings.Contains(why, "prom.internal") || !strings.HasSuffix(why, "(tls_config.server_name?)") {
		t.Errorf("server_name: %q", why)
	}
	insecure := promconfig.DefaultHTTPClientConfig
	insecure.TLSConfig.InsecureSkipVerify = true
	if code, why := get(t, insecure, ts.URL); code != 200 {
		t.Errorf("insecure_skip_verify: %d %s", code, why)
	}
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plain.Close()
	if _, why := get(t, cfg, strings.Replace(plain.URL, "http://", "https://", 1)); why != "the server does not speak TLS (http:// in url?)" {
		t.Errorf("https to plain HTTP: %q", why)
	}
}

// A server that wants a client certificate says so; cert_file and
// key_file give it one.
func TestClientCertificate(t *testing.T) {
	ca, other := newCA(t, "opsdeck test CA"), newCA(t, "another CA")
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	ts := tlsServer(t, ca, pool)
	dir := t.TempDir()
	cfg := promconfig.DefaultHTTPClientConfig
	cfg.TLSConfig.CAFile = write(t, dir, "ca.pem", ca.pem)
	// The server's alert races the request being written (droppedTLS):
	// either way the hint is the same.
	if _, why := get(t, cfg, ts.URL); why != "the server wants a client certificate (tls_config.cert_file?)" &&
		why != "the server closed the TLS connection (tls_config.cert_file?)" {
		t.Errorf("no client certificate: %q", why)
	}
	_, certPEM, keyPEM := other.issue(t, true)
	cfg.TLSConfig.CertFile, cfg.TLSConfig.KeyFile = write(t, dir, "bad.pem", certPEM), write(t, dir, "bad-key.pem", keyPEM)
	if _, why := get(t, cfg, ts.URL); !strings.HasPrefix(why, "the server ") || !strings.HasSuffix(why, "(tls_config.cert_file?)") {
		t.Errorf("a certificate of another CA: %q", why)
	}
	_, certPEM, keyPEM = ca.issue(t, true)
	cfg.TLSConfig.CertFile, cfg.TLSConfig.KeyFile = write(t, dir, "client.pem", certPEM), write(t, dir, "client-key.pem", keyPEM)
	if code, why := get(t, cfg, ts.URL); code != 200 {
		t.Errorf("with the client certificate: %d %s", code, why)
	}
	cfg.TLSConfig.CertFile = filepath.Join(dir, "missing.pem")
	if _, err := New(cfg, "test"); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("a missing certificate file: %v", err)
	}
}

func TestDenied(t *testing.T) {
	for _, c := range []struct {
		code       int
		body, auth string
		want       string
	}{
		{401, "Unauthorized\n", "basic auth as opsdeck", "401 Unauthorized (basic auth as opsdeck)"},
		{401, "no org id\n", "no credentials configured", "401 Unauthorized: no org id (no credentials configured)"},
		{403, "", "authorization Bearer", "403 Forbidden (authorization Bearer)"},
		{407, "", "basic auth as opsdeck", "407 Proxy Authentication Required (proxy_url)"},
		{500, "boom", "x", ""},
	} {
		got, ok := Denied(c.code, c.body, c.auth)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Denied(%d, %q) = %q, %v; want %q", c.code, c.body, got, ok, c.want)
		}
	}
}

// A connection the server broke off on an https request hints at the
// client certificate; on plain HTTP it is only what it is.
func TestDroppedTLSConnection(t *testing.T) {
	https := &url.Error{Op: "Get", URL: "https://127.0.0.1:9093/api/v2/alerts", Err: &net.OpError{Op: "write", Err: os.NewSyscallError("write", syscall.EPIPE)}}
	if got := Describe(https); got != "the server closed the TLS connection (tls_config.cert_file?)" {
		t.Errorf("https: %q", got)
	}
	// Over HTTP/2 the same race reads as the h2 preface failing (seen
	// against the test bed's Alertmanager asking a client certificate).
	h2 := &url.Error{Op: "Get", URL: "https://127.0.0.1:19095/api/v2/alerts", Err: errors.New("http2: client conn could not be established")}
	if got := Describe(h2); got != "the server closed the TLS connection (tls_config.cert_file?)" {
		t.Errorf("https over h2: %q", got)
	}
	plain := &url.Error{Op: "Get", URL: "http://127.0.0.1:9093/api/v2/alerts", Err: &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}
	if got := Describe(plain); got != "connection reset" {
		t.Errorf("http: %q", got)
	}
}

// roundTripFunc is a transport without a network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A remote server is asked for gzip and its answer unpacked; loopback is
// not asked.
func TestGzipForRemoteServers(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = io.WriteString(zw, `{"status":"success"}`)
	_ = zw.Close()
	var asked []string
	tr := &gzipTransport{next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		asked = append(asked, r.URL.Host+" "+r.Header.Get("Accept-Encoding"))
		h := http.Header{}
		body := io.NopCloser(strings.NewReader("plain"))
		if r.Header.Get("Accept-Encoding") == "gzip" {
			h.Set("Content-Encoding", "gzip")
			body = io.NopCloser(bytes.NewReader(zipped.Bytes()))
		}
		return &http.Response{StatusCode: 200, Header: h, Body: body, ContentLength: int64(zipped.Len())}, nil
	})}
	for _, u := range []string{"https://mimir.example.com/api/v1/query", "http://127.0.0.1:9090/api/v1/query"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if req.Header.Get("Accept-Encoding") != "" {
			t.Error("the caller's request was changed")
		}
		switch {
		case strings.Contains(u, "mimir") && (string(b) != `{"status":"success"}` || resp.ContentLength != -1 || !resp.Uncompressed):
			t.Errorf("remote: %q, length %d", b, resp.ContentLength)
		case strings.Contains(u, "127.0.0.1") && string(b) != "plain":
			t.Errorf("loopback: %q", b)
		}
	}
	if strings.Join(asked, ",") != "mimir.example.com gzip,127.0.0.1:9090 " {
		t.Errorf("asked %v", asked)
	}
}
