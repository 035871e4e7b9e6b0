package httpclient

import (
	"compress/gzip"
	"io"
	"net"
	"net/http"
)

// gzipTransport asks a remote server for a gzipped answer and unpacks it.
// prometheus/common's transport turns net/http's own compression off,
// which suits scrapes on a LAN; but a fleet's query answers are hundreds
// of kilobytes of JSON every refresh, which compress tenfold over a WAN.
// On loopback nothing is compressed: it would cost both sides CPU and
// save nothing.
type gzipTransport struct{ next http.RoundTripper }

func (t *gzipTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if loopback(req.URL.Hostname()) || req.Method == http.MethodHead || req.Header.Get("Accept-Encoding") != "" || req.Header.Get("Range") != "" {
		return t.next.RoundTrip(req)
	}
	// A RoundTripper must not change the request it is given.
	req = req.Clone(req.Context())
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		return resp, err
	}
	resp.Body = &gzipBody{body: resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport below.
func (t *gzipTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// gzipBody unpacks a body on its first Read, as net/http does, so that an
// answer never read costs no gzip header read.
type gzipBody struct {
	body io.ReadCloser
	zr   *gzip.Reader
	err  error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.body)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

func (g *gzipBody) Close() error { return g.body.Close() }
