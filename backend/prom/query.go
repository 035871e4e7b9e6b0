package prom

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/tidwall/gjson"
)

// queryClient is v1.API's Query and QueryRange with a lean decoder.
// client_golang's v1 client decodes every answer three times over (the
// envelope with encoding/json, the result with json-iterator, each sample
// with encoding/json again, a map per label set through reflection): at
// 200 services that was two thirds of a refresh's CPU (BenchmarkFetch).
// This sends the same requests to the same URLs and reads each answer
// once, in place, with gjson, into the same model.Value; errors are the
// same *v1.Error values v1 returns (see TestQueryMatchesClient). gjson
// rather than a tree-building parser: the combined answer of 200 services
// became a 2 MB tree every refresh, where gjson walks the text itself.
type queryClient struct {
	client api.Client   // for the server's URLs
	http   *http.Client // the client api.Client sends through
}

// remarks are the "warnings" and "infos" of an answer: Prometheus says
// there (and Thanos, Mimir, VictoriaMetrics' partial responses) that the
// data it did return may be incomplete or not mean what it seems.
type remarks struct{ warnings, infos []string }

// instant evaluates expr at ts. timeout, if positive, is passed on to
// Prometheus like v1.WithTimeout. sizeHint is the size the answer is
// expected to have (the last one's, for a request asked every refresh),
// so a large answer is read without growing its buffer step by step; it
// returns the answer's size.
func (q *queryClient) instant(ctx context.Context, expr string, ts time.Time, timeout time.Duration, sizeHint int) (model.Value, int, remarks, error) {
	form := url.Values{"query": {expr}, "time": {formatTime(ts)}}
	return q.ask(ctx, "/api/v1/query", form, timeout, sizeHint)
}

// rangeQuery evaluates expr over r, like instant.
func (q *queryClient) rangeQuery(ctx context.Context, expr string, r v1.Range, timeout time.Duration, sizeHint int) (model.Value, int, remarks, error) {
	form := url.Values{"query": {expr}, "start": {formatTime(r.Start)}, "end": {formatTime(r.End)},
		"step": {strconv.FormatFloat(r.Step.Seconds(), 'f', -1, 64)}}
	return q.ask(ctx, "/api/v1/query_range", form, timeout, sizeHint)
}

func (q *queryClient) ask(ctx context.Context, endpoint string, form url.Values, timeout time.Duration, sizeHint int) (model.Value, int, remarks, error) {
	if timeout > 0 {
		form.Set("timeout", timeout.String())
	}
	u := q.client.URL(endpoint, nil)
	// POST, as v1 sends it, falling back to GET where a server or proxy
	// does not allow POST (v1's DoGetFallback).
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, 0, remarks{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, body, err := q.do(req, sizeHint)
	if err == nil && fallBackToGet(code) {
		u.RawQuery = form.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, 0, remarks{}, err
		}
		code, body, err = q.do(req, sizeHint)
	}
	if err != nil {
		return nil, 0, remarks{}, err
	}
	v, rm, err := q.decode(code, body)
	return v, len(body), rm, err
}

// maxSizeHint caps the buffer reserved before reading an answer: the
// Content-Length is the server's word, and a wrong one (a proxy's, say)
// must not make opsdeck reserve gigabytes, or panic trying. A larger
// answer is still read whole, growing as it comes.
const maxSizeHint = 16 << 20

// do sends req and reads the whole answer, as api.Client.Do does, into a
// buffer of the expected size (api.Client's grows from 512 bytes by
// doubling: a megabyte of garbage for a 300 kB answer). The request's
// context bounds the read too.
func (q *queryClient) do(req *http.Request, sizeHint int) (int, []byte, error) {
	resp, err := q.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > 0 {
		sizeHint = int(min(resp.ContentLength, maxSizeHint))
	}
	sizeHint = min(sizeHint, maxSizeHint)
	var buf bytes.Buffer
	// ReadFrom wants bytes.MinRead spare before it reads, even for the
	// last bytes of an answer that fits.
	buf.Grow(sizeHint + sizeHint/8 + bytes.MinRead)
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, buf.Bytes(), nil
}

func fallBackToGet(code int) bool {
	return code == http.StatusForbidden || code == http.StatusMethodNotAllowed || code == http.StatusNotImplemented
}

// formatTime is how v1 writes a time parameter.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix())+float64(t.Nanosecond())/1e9, 'f', -1, 64)
}

// decode reads an /api/v1/query or /api/v1/query_range answer the way v1's
// client does, and the remarks of a successful one.
func (q *queryClient) decode(code int, body []byte) (model.Value, remarks, error) {
	v, err := q.decodeValue(code, body)
	if err != nil {
		return nil, remarks{}, err
	}
	doc := string(body)
	return v, remarks{warnings: strings1(gjson.Get(doc, "warnings")), infos: strings1(gjson.Get(doc, "infos"))}, nil
}

// strings1 is a JSON array's strings, each on one line and at most 300
// bytes (a store's error can quote a whole stack); nil when there are none.
func strings1(r gjson.Result) []string {
	if !r.IsArray() {
		return nil
	}
	var out []string
	r.ForEach(func(_, it gjson.Result) bool {
		if t := oneLine(str(it), 300); t != "" {
			out = append(out, t)
		}
		return true
	})
	return out
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func (q *queryClient) decodeValue(code int, body []byte) (model.Value, error) {
	// One copy of the body, read in place: label values and names are
	// substrings of it, so a Partial keeps one block alive instead of a
	// string per label.
	doc := string(body)
	valid := gjson.Valid(doc)
	if code/100 != 2 {
		if !apiErrorCode(code) || !valid {
			typ, msg := errorTypeAndMsg(code)
			return nil, &v1.Error{Type: typ, Msg: msg, Detail: doc}
		}
		if str(gjson.Get(doc, "status")) == "success" {
			return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: "inconsistent body for response code"}
		}
		typ, msg := v1.ErrorType(str(gjson.Get(doc, "errorType"))), str(gjson.Get(doc, "error"))
		if typ == "" {
			typ = v1.ErrClient
		}
		if msg == "" {
			msg = fmt.Sprintf("client error: %d", code)
		}
		return nil, &v1.Error{Type: typ, Msg: msg}
	}
	if !valid {
		return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: "answer is not valid JSON"}
	}
	if str(gjson.Get(doc, "status")) == "error" {
		return nil, &v1.Error{Type: v1.ErrorType(str(gjson.Get(doc, "errorType"))), Msg: str(gjson.Get(doc, "error"))}
	}
	data := gjson.Get(doc, "data")
	if !data.Exists() || data.Type == gjson.Null {
		return nil, nil // v1 too reads no value and no error
	}
	v, err := decodeResult(str(data.Get("resultType")), data.Get("result"))
	if err != nil {
		return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: err.Error()}
	}
	return v, nil
}

// str is a JSON string's value; "" for anything else (gjson would render
// a number as text).
func str(r gjson.Result) string {
	if r.Type != gjson.String {
		return ""
	}
	return r.Str
}

// apiErrorCode is v1's list of codes whose body is an API error (a 503
// with a timeout in its body is a plain "server error: 503" to v1 too).
func apiErrorCode(code int) bool {
	return code == http.StatusBadRequest || code == http.StatusUnprocessableEntity
}

func errorTypeAndMsg(code int) (v1.ErrorType, string) {
	switch code / 100 {
	case 4:
		return v1.ErrClient, fmt.Sprintf("client error: %d", code)
	case 5:
		return v1.ErrServer, fmt.Sprintf("server error: %d", code)
	}
	return v1.ErrBadResponse, fmt.Sprintf("bad response code %d", code)
}

func decodeResult(typ string, r gjson.Result) (model.Value, error) {
	if !r.Exists() {
		return nil, fmt.Errorf("%s without a result", typ)
	}
	if r.Type == gjson.Null { // as v1 reads it: an empty value
		switch typ {
		case "vector":
			return model.Vector(nil), nil
		case "matrix":
			return model.Matrix(nil), nil
		case "scalar":
			return &model.Scalar{}, nil
		}
	}
	switch typ {
	case "vector":
		if !r.IsArray() {
			return nil, fmt.Errorf("vector: not an array")
		}
		var vec model.Vector
		var err error
		r.ForEach(func(_, it gjson.Result) bool {
			f := fieldsOf(it)
			if f.histogram.Exists() && !f.value.Exists() {
				return true // a native histogram: no figure of ours reads one
			}
			var m model.Metric
			if m, err = metric(f.metric); err != nil {
				return false
			}
			var ts model.Time
			var v model.SampleValue
			if ts, v, err = pair(f.value); err != nil {
				return false
			}
			vec = append(vec, &model.Sample{Metric: m, Timestamp: ts, Value: v})
			return true
		})
		if err != nil {
			return nil, err
		}
		if vec == nil {
			vec = model.Vector{}
		}
		return vec, nil
	case "matrix":
		if !r.IsArray() {
			return nil, fmt.Errorf("matrix: not an array")
		}
		mat := model.Matrix{}
		var err error
		r.ForEach(func(_, it gjson.Result) bool {
			f := fieldsOf(it)
			var m model.Metric
			if m, err = metric(f.metric); err != nil {
				return false
			}
			ss := &model.SampleStream{Metric: m}
			if vals := f.values; vals.IsArray() {
				vals.ForEach(func(_, pv gjson.Result) bool {
					var ts model.Time
					var v model.SampleValue
					if ts, v, err = pair(pv); err != nil {
						return false
					}
					ss.Values = append(ss.Values, model.SamplePair{Timestamp: ts, Value: v})
					return true
				})
				if err != nil {
					return false
				}
			}
			mat = append(mat, ss)
			return true
		})
		if err != nil {
			return nil, err
		}
		return mat, nil
	case "scalar":
		ts, v, err := pair(r)
		if err != nil {
			return nil, err
		}
		return &model.Scalar{Timestamp: ts, Value: v}, nil
	}
	return nil, fmt.Errorf("unexpected value type %q", typ)
}

// sampleFields are the members of one result item that we read.
type sampleFields struct{ metric, value, values, histogram gjson.Result }

// fieldsOf reads an item's members in one pass, where a gjson.Get per
// member scanned the item again for each (the first of a repeated key
// wins, as with Get). A non-object has none.
func fieldsOf(it gjson.Result) sampleFields {
	var f sampleFields
	if !it.IsObject() {
		return f
	}
	it.ForEach(func(k, v gjson.Result) bool {
		var dst *gjson.Result
		switch k.Str {
		case "metric":
			dst = &f.metric
		case "value":
			dst = &f.value
		case "values":
			dst = &f.values
		case "histogram":
			dst = &f.histogram
		default:
			return true
		}
		if !dst.Exists() {
			*dst = v
		}
		return true
	})
	return f
}

// metric is a sample's label set; a missing one is empty.
func metric(r gjson.Result) (model.Metric, error) {
	if !r.Exists() {
		return model.Metric{}, nil
	}
	if !r.IsObject() {
		return nil, fmt.Errorf("metric: not an object")
	}
	m := model.Metric{}
	var err error
	r.ForEach(func(k, v gjson.Result) bool {
		if v.Type != gjson.String {
			err = fmt.Errorf("label %q: not a string", k.Str)
			return false
		}
		m[model.LabelName(k.Str)] = model.LabelValue(v.Str)
		return true
	})
	return m, err
}

// pair is [time, "value"].
func pair(r gjson.Result) (model.Time, model.SampleValue, error) {
	if !r.Exists() {
		return 0, 0, fmt.Errorf("sample without a value")
	}
	var elems [2]gjson.Result
	n := 0
	if r.IsArray() {
		r.ForEach(func(_, e gjson.Result) bool {
			if n < 2 {
				elems[n] = e
			}
			n++
			return n <= 2
		})
	}
	if n != 2 {
		return 0, 0, fmt.Errorf("sample value: want [time, \"value\"]")
	}
	ts, err := timestamp(elems[0])
	if err != nil {
		return 0, 0, err
	}
	if elems[1].Type != gjson.String {
		return 0, 0, fmt.Errorf("sample value: not a string")
	}
	f, err := strconv.ParseFloat(elems[1].Str, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("sample value %q: %w", elems[1].Str, err)
	}
	return ts, model.SampleValue(f), nil
}

// timestamp is float seconds, read by model.Time itself (to the
// millisecond, extra digits cut) from the number's own text.
func timestamp(r gjson.Result) (model.Time, error) {
	if r.Type != gjson.Number {
		return 0, fmt.Errorf("sample time: not a number")
	}
	var t model.Time
	if err := t.UnmarshalJSON([]byte(r.Raw)); err != nil {
		return 0, fmt.Errorf("sample time: %w", err)
	}
	return t, nil
}
