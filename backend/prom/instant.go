package prom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/valyala/fastjson"
)

// instantQuery is v1.API.Query with a lean decoder. client_golang's v1
// client decodes every answer three times over (the envelope with
// encoding/json, the result with json-iterator, each sample with
// encoding/json again, a map per label set through reflection): at 200
// services that was two thirds of a refresh's CPU (BenchmarkFetch). This
// sends the same request through the same api.Client and parses the answer
// once with fastjson, into the same model.Value; errors are the same
// *v1.Error values v1 returns (see TestInstantMatchesClient).
type instantQuery struct {
	client api.Client
	parser fastjson.ParserPool
}

// query evaluates expr at ts. timeout, if positive, is passed on to
// Prometheus like v1.WithTimeout.
func (q *instantQuery) query(ctx context.Context, expr string, ts time.Time, timeout time.Duration) (model.Value, error) {
	form := url.Values{"query": {expr}, "time": {formatTime(ts)}}
	if timeout > 0 {
		form.Set("timeout", timeout.String())
	}
	u := q.client.URL("/api/v1/query", nil)
	// POST, as v1 sends it, falling back to GET where a server or proxy
	// does not allow POST (v1's DoGetFallback).
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body, err := q.client.Do(ctx, req)
	if err == nil && fallBackToGet(resp.StatusCode) {
		u.RawQuery = form.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		resp, body, err = q.client.Do(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	return q.decode(resp.StatusCode, body)
}

func fallBackToGet(code int) bool {
	return code == http.StatusForbidden || code == http.StatusMethodNotAllowed || code == http.StatusNotImplemented
}

// formatTime is how v1 writes a time parameter.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix())+float64(t.Nanosecond())/1e9, 'f', -1, 64)
}

// decode reads an /api/v1/query answer the way v1's client does.
func (q *instantQuery) decode(code int, body []byte) (model.Value, error) {
	p := q.parser.Get()
	defer q.parser.Put(p)
	doc, jsonErr := p.ParseBytes(body)
	if code/100 != 2 {
		if !apiErrorCode(code) || jsonErr != nil {
			typ, msg := errorTypeAndMsg(code)
			return nil, &v1.Error{Type: typ, Msg: msg, Detail: string(body)}
		}
		if string(doc.GetStringBytes("status")) == "success" {
			return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: "inconsistent body for response code"}
		}
		typ, msg := v1.ErrorType(doc.GetStringBytes("errorType")), string(doc.GetStringBytes("error"))
		if typ == "" {
			typ = v1.ErrClient
		}
		if msg == "" {
			msg = fmt.Sprintf("client error: %d", code)
		}
		return nil, &v1.Error{Type: typ, Msg: msg}
	}
	if jsonErr != nil {
		return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: jsonErr.Error()}
	}
	if string(doc.GetStringBytes("status")) == "error" {
		return nil, &v1.Error{Type: v1.ErrorType(doc.GetStringBytes("errorType")), Msg: string(doc.GetStringBytes("error"))}
	}
	data := doc.Get("data")
	if data == nil || data.Type() == fastjson.TypeNull {
		return nil, nil // v1 too reads no value and no error
	}
	v, err := decodeResult(string(data.GetStringBytes("resultType")), data.Get("result"))
	if err != nil {
		return nil, &v1.Error{Type: v1.ErrBadResponse, Msg: err.Error()}
	}
	return v, nil
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

func decodeResult(typ string, r *fastjson.Value) (model.Value, error) {
	if r == nil {
		return nil, fmt.Errorf("%s without a result", typ)
	}
	if r.Type() == fastjson.TypeNull { // as v1 reads it: an empty value
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
		items, err := r.Array()
		if err != nil {
			return nil, fmt.Errorf("vector: %w", err)
		}
		vec := make(model.Vector, 0, len(items))
		for _, it := range items {
			if it.Get("histogram") != nil && it.Get("value") == nil {
				continue // a native histogram: no figure of ours reads one
			}
			m, err := metric(it.Get("metric"))
			if err != nil {
				return nil, err
			}
			ts, v, err := pair(it.Get("value"))
			if err != nil {
				return nil, err
			}
			vec = append(vec, &model.Sample{Metric: m, Timestamp: ts, Value: v})
		}
		return vec, nil
	case "matrix":
		items, err := r.Array()
		if err != nil {
			return nil, fmt.Errorf("matrix: %w", err)
		}
		mat := make(model.Matrix, 0, len(items))
		for _, it := range items {
			m, err := metric(it.Get("metric"))
			if err != nil {
				return nil, err
			}
			ss := &model.SampleStream{Metric: m}
			for _, pv := range it.GetArray("values") {
				ts, v, err := pair(pv)
				if err != nil {
					return nil, err
				}
				ss.Values = append(ss.Values, model.SamplePair{Timestamp: ts, Value: v})
			}
			mat = append(mat, ss)
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

// metric is a sample's label set; a missing one is empty.
func metric(v *fastjson.Value) (model.Metric, error) {
	if v == nil {
		return model.Metric{}, nil
	}
	o, err := v.Object()
	if err != nil {
		return nil, fmt.Errorf("metric: %w", err)
	}
	m := make(model.Metric, o.Len())
	o.Visit(func(k []byte, lv *fastjson.Value) {
		if err != nil {
			return
		}
		s, e := lv.StringBytes()
		if e != nil {
			err = fmt.Errorf("label %q: %w", k, e)
			return
		}
		m[model.LabelName(k)] = model.LabelValue(s)
	})
	return m, err
}

// pair is [time, "value"].
func pair(v *fastjson.Value) (model.Time, model.SampleValue, error) {
	if v == nil {
		return 0, 0, fmt.Errorf("sample without a value")
	}
	a, err := v.Array()
	if err != nil || len(a) != 2 {
		return 0, 0, fmt.Errorf("sample value: want [time, \"value\"]")
	}
	ts, err := timestamp(a[0])
	if err != nil {
		return 0, 0, err
	}
	s, err := a[1].StringBytes()
	if err != nil {
		return 0, 0, fmt.Errorf("sample value: %w", err)
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return 0, 0, fmt.Errorf("sample value %q: %w", s, err)
	}
	return ts, model.SampleValue(f), nil
}

// timestamp is float seconds, read by model.Time itself (to the
// millisecond, extra digits cut) from the number's own text.
func timestamp(v *fastjson.Value) (model.Time, error) {
	if v.Type() != fastjson.TypeNumber {
		return 0, fmt.Errorf("sample time: not a number")
	}
	var t model.Time
	if err := t.UnmarshalJSON(v.MarshalTo(nil)); err != nil {
		return 0, fmt.Errorf("sample time: %w", err)
	}
	return t, nil
}
