package alertmanager

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/manacore/opsdeck/backend/httpclient"
	"github.com/manacore/opsdeck/backend/neterr"
)

// maxBody caps what is read of a response: a console polling every few
// seconds must not be made to buffer an unbounded body.
const maxBody = 32 << 20

// endpoint builds base/api/v2/<segments...>?q. Each segment is escaped on
// its own, so a value such as a silence ID can never add a path level.
func (c *Client) endpoint(q url.Values, segments ...string) *url.URL {
	u := *c.base
	raw := u.EscapedPath() + "/api/v2"
	plain := u.Path + "/api/v2"
	for _, s := range segments {
		raw += "/" + url.PathEscape(s)
		plain += "/" + s
	}
	u.Path, u.RawPath = plain, raw
	u.RawQuery = q.Encode()
	return &u
}

// Error is a failed Alertmanager call. Its text names the server, the
// operation and Alertmanager's reason in one line
// ("alertmanager 127.0.0.1:9093: silence: 400 Bad Request: comment missing").
type Error struct {
	Server string // host:port
	Op     string // alerts, silences, silence, expire
	Status int    // HTTP status, 0 when there was no answer
	Msg    string
	Err    error // transport or decode cause, if any
}

func (e *Error) Error() string {
	return "alertmanager " + e.Server + ": " + e.Op + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// do sends one request and decodes a 2xx JSON answer into out (if non-nil).
func (c *Client) do(ctx context.Context, op, method string, u *url.URL, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &Error{Server: c.base.Host, Op: op, Msg: err.Error(), Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return &Error{Server: c.base.Host, Op: op, Msg: err.Error(), Err: err}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Server: c.base.Host, Op: op, Msg: httpclient.Describe(err), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &Error{Server: c.base.Host, Op: op, Status: resp.StatusCode, Msg: "reading the answer: " + neterr.Describe(err), Err: err}
	}
	if why, ok := httpclient.Denied(resp.StatusCode, string(data), c.auth); ok {
		return &Error{Server: c.base.Host, Op: op, Status: resp.StatusCode, Msg: why}
	}
	if resp.StatusCode/100 != 2 {
		return &Error{Server: c.base.Host, Op: op, Status: resp.StatusCode, Msg: resp.Status + ": " + reason(data)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &Error{Server: c.base.Host, Op: op, Status: resp.StatusCode,
			Msg: "unexpected answer (is this an Alertmanager ≥ 0.16 with API v2?): " + err.Error(), Err: err}
	}
	return nil
}

// reason extracts Alertmanager's message from an error body: v2 sends a
// JSON string for 400/404/500 and {"code":…,"message":…} for swagger
// validation errors (422); anything else (a proxy page) is shortened.
func reason(body []byte) string {
	var s string
	if json.Unmarshal(body, &s) == nil && s != "" {
		return neterr.FirstLine(s, 200)
	}
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		return neterr.FirstLine(m.Message, 200)
	}
	if t := neterr.FirstLine(string(body), 120); t != "" {
		return t
	}
	return "empty answer"
}
