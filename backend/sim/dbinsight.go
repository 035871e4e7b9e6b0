package sim

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// SlowQueryMS is the mean time from which the demo counts a statement as
// slow, the seed's "Slow Query Detected (250ms)".
const SlowQueryMS = 250

// statementsOf are plausible statements of each demo database, as
// pg_stat_statements shows them (constants as $n), the heavy ones first:
// the first are the slow ones, as many as the pool's SLOW figure says.
var statementsOf = map[string][]string{
	"chat": {
		"SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.user_id = $1 ORDER BY m.created_at DESC LIMIT $2",
		"SELECT count(*) FROM messages WHERE conversation_id = $1 AND created_at > now() - $2::interval",
		"UPDATE conversations SET title = $1, updated_at = now() WHERE id = $2",
		"SELECT id, title, updated_at FROM conversations WHERE user_id = $1 AND archived = $2 ORDER BY updated_at DESC",
		"INSERT INTO messages (conversation_id, role, content, tokens) VALUES ($1, $2, $3, $4) RETURNING id",
		"SELECT * FROM users WHERE id = $1",
		"DELETE FROM message_drafts WHERE updated_at < now() - $1::interval",
	},
	"picture": {
		"SELECT i.* FROM images i LEFT JOIN image_tags t ON t.image_id = i.id WHERE t.tag = ANY($1) ORDER BY i.created_at DESC LIMIT $2 OFFSET $3",
		"SELECT g.* FROM generations g WHERE g.status = $1 AND g.created_at < now() - $2::interval FOR UPDATE SKIP LOCKED",
		"SELECT id FROM images WHERE owner_id = $1 ORDER BY embedding <-> $2 LIMIT $3",
		"SELECT tag, count(*) FROM image_tags GROUP BY tag ORDER BY count(*) DESC LIMIT $1",
		"SELECT g.*, u.email FROM generations g JOIN users u ON u.id = g.owner_id WHERE g.created_at > $1 ORDER BY g.created_at DESC",
		"SELECT count(*), sum(bytes) FROM images WHERE owner_id = $1",
		"DELETE FROM generation_logs WHERE created_at < now() - $1::interval",
		"UPDATE images SET embedding = $1, updated_at = now() WHERE id = $2",
		"UPDATE generations SET status = $1, finished_at = now(), result_url = $2 WHERE id = $3",
		"INSERT INTO generations (owner_id, prompt, model, status) VALUES ($1, $2, $3, $4) RETURNING id",
		"SELECT * FROM images WHERE id = $1",
		"SELECT * FROM users WHERE id = $1",
		"UPDATE images SET views = views + $1 WHERE id = $2",
	},
	"manacore": {
		"SELECT u.*, array_agg(r.name) FROM users u LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.email = $1 GROUP BY u.id",
		"INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + $3::interval)",
		"SELECT * FROM sessions WHERE token_hash = $1 AND expires_at > now()",
		"UPDATE users SET last_login_at = now() WHERE id = $1",
		"DELETE FROM sessions WHERE expires_at < now()",
	},
}

// genericStatements are a database's statements when the demo knows none.
var genericStatements = []string{
	"SELECT * FROM items WHERE owner_id = $1 ORDER BY created_at DESC LIMIT $2",
	"UPDATE items SET updated_at = now() WHERE id = $1",
	"SELECT count(*) FROM items WHERE created_at > now() - $1::interval",
	"INSERT INTO events (kind, payload) VALUES ($1, $2)",
	"SELECT * FROM users WHERE id = $1",
}

// appOf is the service that connects to each demo database.
var appOf = map[string]string{"chat": "chat-backend", "picture": "picture-backend", "manacore": "mana-core-auth"}

// Inspect is the demo's answer to a database's detail
// (backend.DBInspector): statements and sessions consistent with the
// pool the databases screen shows at the same moment (as many sessions
// as connections in use, as many statements over SlowQueryMS as its SLOW
// figure), made up but plausible, and said to be simulated.
func (f *Fleet) Inspect(ctx context.Context, name string) (backend.DBInsight, error) {
	if err := ctx.Err(); err != nil {
		return backend.DBInsight{}, err
	}
	now := f.now()
	var pool backend.DBPool
	var db *database
	for i, p := range f.databases(now) {
		if p.Name == name {
			pool, db = p, &f.dbs[i]
		}
	}
	if db == nil {
		return backend.DBInsight{Database: name}, fmt.Errorf("database %s is not in the demo fleet", name)
	}
	out := backend.DBInsight{Database: name, Source: "simulated (demo)", At: now, MaxConnections: int(pool.MaxConnections.V)}
	out.Statements = f.statements(name, db, pool, now)
	out.Sessions = f.sessions(name, pool, now)
	out.ByState, out.ByApplication, out.ByClient = counts(out.Sessions)
	return out, nil
}

func (f *Fleet) statements(name string, db *database, pool backend.DBPool, now time.Time) []backend.Statement {
	texts := statementsOf[name]
	if texts == nil {
		texts = genericStatements
	}
	slow := min(int(pool.SlowQueries.V), len(texts))
	k := newKey(f.seed, name).with("statements")
	// Calls accumulate since the demo's day began, as counters do since
	// the last pg_stat_statements_reset().
	day := now.Sub(now.Truncate(24 * time.Hour)).Seconds()
	out := make([]backend.Statement, 0, len(texts))
	for i, q := range texts {
		ki := k.at(int64(i))
		var mean float64
		if i < slow {
			mean = SlowQueryMS + ki.with("mean").between(20, 650)
		} else {
			mean = math.Max(db.query.level*ki.with("mean").between(0.05, 2.5), 0.05)
			mean = math.Min(mean, SlowQueryMS-1)
		}
		rate := ki.with("rate").between(0.02, 2) // calls a second
		if i < slow {
			rate /= 20
		}
		calls := int64(rate*day) + 1 + ki.with("calls").intn(50)
		rowsPer := ki.with("rows").between(0.5, 40)
		out = append(out, backend.Statement{Query: q, Calls: calls, MeanMS: mean, TotalMS: mean * float64(calls), Rows: int64(rowsPer * float64(calls))})
	}
	slices.SortFunc(out, func(a, b backend.Statement) int { return cmp.Compare(b.MeanMS, a.MeanMS) })
	return out
}

// sessions are pool.Connections sessions: mostly idle, some running a
// query, and in a pool past its warning level one idle in a transaction
// for minutes: who holds the pool.
func (f *Fleet) sessions(name string, pool backend.DBPool, now time.Time) []backend.Session {
	n := int(pool.Connections.V)
	app := appOf[name]
	if app == "" {
		app = name + "-backend"
	}
	texts := statementsOf[name]
	if texts == nil {
		texts = genericStatements
	}
	warn := f.th.DBPoolPct.Warn > 0 && pool.MaxConnections.V > 0 && pool.Connections.V/pool.MaxConnections.V*100 > f.th.DBPoolPct.Warn
	k := newKey(f.seed, name).with("sessions")
	// The sessions change every 10 s, as a pool does, not every frame.
	bucket := now.Unix() / 10
	out := make([]backend.Session, 0, n)
	for i := range n {
		ki := k.at(int64(i))
		s := backend.Session{PID: 20000 + int(ki.intn(9000)), User: name + "_app", Application: app,
			Client: fmt.Sprintf("172.18.0.%d", 10+ki.with("client").intn(3))}
		kb := ki.at(bucket)
		started := now.Add(-time.Duration(kb.with("idle").between(0.5, 40) * float64(time.Second)))
		switch {
		case i == 0 && warn:
			// Held since a minute boundary: its age grows steadily.
			since := now.Truncate(time.Minute).Add(-time.Duration(2+ki.intn(4)) * time.Minute)
			s.State, s.XactStart, s.QueryStart, s.StateChange = backend.SessionIdleInTx, since, since.Add(40*time.Millisecond), since.Add(60*time.Millisecond)
			s.Query = "SELECT * FROM " + map[bool]string{true: "generations WHERE id = $1 FOR UPDATE", false: "items WHERE id = $1 FOR UPDATE"}[name == "picture"]
			s.WaitEvent = "Client: ClientRead"
		case i == n-1 && n > 2:
			s.Application, s.User, s.Client = "psql", "postgres", "local"
			s.State, s.QueryStart, s.StateChange = backend.SessionIdle, started, started
			s.Query = "SELECT pg_size_pretty(pg_database_size(current_database()));"
		case kb.with("state").unit() < 0.3:
			q := now.Add(-time.Duration(kb.with("run").between(5, 900) * float64(time.Millisecond)))
			s.State, s.XactStart, s.QueryStart, s.StateChange = backend.SessionActive, q, q, q
			s.Query = texts[kb.with("q").intn(int64(len(texts)))]
		default:
			s.State, s.QueryStart, s.StateChange = backend.SessionIdle, started, started
			s.Query = texts[kb.with("q").intn(int64(len(texts)))]
			s.WaitEvent = "Client: ClientRead"
		}
		out = append(out, s)
	}
	// As pg_stat_activity is read: those holding something longest first.
	slices.SortStableFunc(out, func(a, b backend.Session) int {
		return cmp.Compare(b.Age(now), a.Age(now))
	})
	return out
}

// counts groups sessions by state, application and client, most first.
func counts(ss []backend.Session) (byState, byApp, byClient []backend.Count) {
	group := func(key func(backend.Session) string) []backend.Count {
		n := map[string]int{}
		for _, s := range ss {
			n[key(s)]++
		}
		out := make([]backend.Count, 0, len(n))
		for k, v := range n {
			out = append(out, backend.Count{Key: k, N: v})
		}
		slices.SortFunc(out, func(a, b backend.Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key)) })
		return out
	}
	return group(func(s backend.Session) string { return s.State }),
		group(func(s backend.Session) string { return s.Application }),
		group(func(s backend.Session) string { return s.Client })
}
