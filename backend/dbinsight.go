package backend

import (
	"context"
	"time"
)

// DBInsight is what a database's detail shows: the seed's "View Slow
// Queries" (pg_stat_statements) and "Connection Pool Analysis"
// (pg_stat_activity), read at one moment.
type DBInsight struct {
	Database string
	// Source says where it was read, e.g. "psql on tb-db (root@127.0.0.1:12222)".
	Source string
	At     time.Time // the server's clock when it was read
	// MaxConnections is the server's max_connections, 0 when unknown.
	MaxConnections int
	// Statements are the top statements by mean time.
	Statements []Statement
	// StatementsErr says why there are none when they could not be read
	// (pg_stat_statements not installed); the pool analysis still stands.
	StatementsErr string
	// ByState, ByApplication and ByClient count every client session of
	// the database but opsdeck's own, most first.
	ByState, ByApplication, ByClient []Count
	// Sessions are those sessions, the ones holding a transaction or a
	// query longest first (at most a couple of hundred).
	Sessions []Session
}

// Count is how many sessions share Key (a state, an application name, a
// client address; "" when the server gives none).
type Count struct {
	Key string
	N   int
}

// Total is the number of sessions counted in cs.
func Total(cs []Count) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}

// Statement is one row of pg_stat_statements: the normalised query
// ($1 for constants) as the view gives it, on one line.
type Statement struct {
	Query   string
	Calls   int64
	MeanMS  float64
	TotalMS float64
	Rows    int64
}

// Session is one backend of pg_stat_activity.
type Session struct {
	PID         int
	User        string
	Application string
	// Client is the client's address, "local" for a Unix socket.
	Client string
	// State: active, idle, idle in transaction, idle in transaction
	// (aborted), fastpath function call, disabled; "" when not visible.
	State     string
	WaitEvent string // "Lock: transactionid", "" when not waiting
	// XactStart is zero outside a transaction; QueryStart is when the
	// current (or, when idle, the last) query started.
	XactStart, QueryStart, StateChange time.Time
	Query                              string // on one line, cut to a few hundred characters
}

// Session states of pg_stat_activity.
const (
	SessionActive        = "active"
	SessionIdle          = "idle"
	SessionIdleInTx      = "idle in transaction"
	SessionIdleInTxAbort = "idle in transaction (aborted)"
)

// IdleInTransaction reports whether the session holds a transaction open
// while doing nothing: the pool's usual thief.
func (s Session) IdleInTransaction() bool {
	return s.State == SessionIdleInTx || s.State == SessionIdleInTxAbort
}

// Age is how long the session has been holding what it holds at now: its
// transaction when idle in one, its running query when active, zero when
// idle.
func (s Session) Age(now time.Time) time.Duration {
	var since time.Time
	switch {
	case s.IdleInTransaction():
		since = s.XactStart
		if since.IsZero() {
			since = s.StateChange
		}
	case s.State == SessionActive:
		since = s.QueryStart
	}
	if since.IsZero() || now.Before(since) {
		return 0
	}
	return now.Sub(since)
}

// DBInspector reads a database's slow statements and its pool.
type DBInspector interface {
	Inspect(ctx context.Context, database string) (DBInsight, error)
}
