package pgstat

import "fmt"

// sep is psql's field separator (-F): the ASCII unit separator, which the
// queries strip from every text field.
const sep = "\x1f"

// marker tags opsdeck's own queries, so the slow statements leave them
// out: pg_stat_statements keeps the comment in the text it records.
const marker = "/* opsdeck inspect */"

// oneLine folds a text column to one line without separators: runs of
// whitespace and control characters (newlines, tabs, 0x1f) become one
// space.
func oneLine(col string, n int) string {
	return fmt.Sprintf("left(regexp_replace(coalesce(%s, ''), '[[:space:][:cntrl:]]+', ' ', 'g'), %d)", col, n)
}

// epoch is a timestamp column as Unix seconds with microseconds, "" for
// NULL: no time zone or locale can change how it reads.
func epoch(col string) string {
	return fmt.Sprintf("coalesce(extract(epoch FROM %s)::text, '')", col)
}

// queryChars bounds a session's query text; statementChars a statement's.
const (
	queryChars     = 300
	statementChars = 1000
	// maxSessions bounds the sessions read (a pool of thousands still
	// groups right: the groups are counted by the server).
	maxSessions = 200
)

// metaSQL is the server's clock and pool size: record M.
var metaSQL = marker + ` SELECT 'M', ` + epoch("now()") + `, current_setting('max_connections'), current_database()`

// groupsSQL counts the database's client sessions by state, application
// and client address on the server, so the counts are whole however many
// sessions there are: records G.
const groupsSQL = `SELECT 'G', g.kind, g.key, count(*) FROM (
  SELECT 'state' AS kind, coalesce(state, '') AS key FROM a
  UNION ALL SELECT 'app', application_name FROM a
  UNION ALL SELECT 'client', client FROM a) g GROUP BY g.kind, g.key ORDER BY g.kind, count(*) DESC, g.key`

// activitySQL is every client session of the database but opsdeck's
// own, those holding something longest first: records A.
var activitySQL = `SELECT 'A', pid, coalesce(usename, ''), application_name, client, coalesce(state, ''),
  coalesce(wait_event_type || ': ' || wait_event, ''), ` + epoch("xact_start") + `, ` + epoch("query_start") + `, ` + epoch("state_change") + `,
  query FROM a
  ORDER BY (state IN ('idle in transaction', 'idle in transaction (aborted)', 'active')) DESC, coalesce(xact_start, query_start) NULLS LAST
  LIMIT ` + fmt.Sprint(maxSessions)

// sessionsCTE is the sessions both queries read, each text on one line.
var sessionsCTE = `WITH a AS (SELECT pid, usename, state, xact_start, query_start, state_change, wait_event_type, wait_event,
  ` + oneLine("application_name", 64) + ` AS application_name,
  coalesce(host(client_addr), CASE WHEN client_port = -1 THEN 'local' ELSE '' END) AS client,
  ` + oneLine("query", queryChars) + ` AS query
  FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend') `

// poolSQL is the pool analysis: the clock, the groups and the sessions.
func poolSQL() []string {
	return []string{metaSQL, marker + " " + sessionsCTE + groupsSQL, marker + " " + sessionsCTE + activitySQL}
}

// statementsSQL is the top n statements of the database by mean time
// (PostgreSQL 13 and later name the columns *_exec_time): records S.
func statementsSQL(n int) string {
	return marker + ` SELECT 'S', calls, mean_exec_time, total_exec_time, rows, ` + oneLine("query", statementChars) + `
  FROM pg_stat_statements
  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls > 0
    AND query NOT LIKE '%` + marker + `%'
  ORDER BY mean_exec_time DESC LIMIT ` + fmt.Sprint(n)
}
