package pgstat

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// parsePool reads the records of poolSQL into in: one M, the G counts and
// the A sessions. Anything else is an error: output we do not understand
// is never shown as figures.
func parsePool(recs [][]string, in *backend.DBInsight) error {
	sawMeta := false
	for i, r := range recs {
		bad := func(why string) error { return fmt.Errorf("output line %d (%s record): %s", i+1, r[0], why) }
		switch r[0] {
		case "M":
			if len(r) != 4 {
				return bad(fmt.Sprintf("%d fields, want 4", len(r)))
			}
			at, err := parseEpoch(r[1])
			if err != nil || at.IsZero() {
				return bad("server time " + strconv.Quote(r[1]))
			}
			maxConn, err := strconv.Atoi(r[2])
			if err != nil {
				return bad("max_connections " + strconv.Quote(r[2]))
			}
			in.At, in.MaxConnections, sawMeta = at, maxConn, true
		case "G":
			if len(r) != 4 {
				return bad(fmt.Sprintf("%d fields, want 4", len(r)))
			}
			n, err := strconv.Atoi(r[3])
			if err != nil {
				return bad("count " + strconv.Quote(r[3]))
			}
			c := backend.Count{Key: backend.Printable(r[2]), N: n}
			switch r[1] {
			case "state":
				in.ByState = append(in.ByState, c)
			case "app":
				in.ByApplication = append(in.ByApplication, c)
			case "client":
				in.ByClient = append(in.ByClient, c)
			default:
				return bad("group " + strconv.Quote(r[1]))
			}
		case "A":
			s, err := parseSession(r)
			if err != nil {
				return bad(err.Error())
			}
			in.Sessions = append(in.Sessions, s)
		default:
			return fmt.Errorf("output line %d: unexpected %q", i+1, backend.Printable(strings.Join(r, " ")))
		}
	}
	if !sawMeta {
		return fmt.Errorf("no answer from the server")
	}
	return nil
}

func parseSession(r []string) (backend.Session, error) {
	if len(r) != 11 {
		return backend.Session{}, fmt.Errorf("%d fields, want 11", len(r))
	}
	pid, err := strconv.Atoi(r[1])
	if err != nil {
		return backend.Session{}, fmt.Errorf("pid %q", r[1])
	}
	s := backend.Session{PID: pid, User: backend.Printable(r[2]), Application: backend.Printable(r[3]), Client: backend.Printable(r[4]),
		State: r[5], WaitEvent: backend.Printable(r[6]), Query: backend.Printable(r[10])}
	for i, dst := range []*time.Time{&s.XactStart, &s.QueryStart, &s.StateChange} {
		if *dst, err = parseEpoch(r[7+i]); err != nil {
			return backend.Session{}, fmt.Errorf("time %q", r[7+i])
		}
	}
	return s, nil
}

// parseStatements reads the S records of statementsSQL.
func parseStatements(recs [][]string) ([]backend.Statement, error) {
	var out []backend.Statement
	for i, r := range recs {
		if r[0] != "S" || len(r) != 6 {
			return nil, fmt.Errorf("output line %d: unexpected %q", i+1, backend.Printable(strings.Join(r, " ")))
		}
		calls, err1 := strconv.ParseInt(r[1], 10, 64)
		mean, err2 := parseFloat(r[2])
		total, err3 := parseFloat(r[3])
		rows, err4 := strconv.ParseInt(r[4], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return nil, fmt.Errorf("output line %d: figures %q", i+1, strings.Join(r[1:5], " "))
		}
		out = append(out, backend.Statement{Query: backend.Printable(r[5]), Calls: calls, MeanMS: mean, TotalMS: total, Rows: rows})
	}
	return out, nil
}

// parseFloat takes a finite number only.
func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		err = fmt.Errorf("not finite")
	}
	return f, err
}

// parseEpoch reads Unix seconds with a fraction ("1796284020.123456");
// "" (NULL) is the zero time.
func parseEpoch(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	f, err := parseFloat(s)
	if err != nil || f <= 0 {
		return time.Time{}, fmt.Errorf("not a time: %q", s)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), nil
}
