// Package pgstat reads a PostgreSQL database's slow statements
// (pg_stat_statements) and its connection pool (pg_stat_activity) by
// running psql on the database's host over SSH: the detail behind the
// seed's "View Slow Queries" and "Connection Pool Analysis".
//
// Why psql over SSH: postgres_exporter exposes pg_stat_statements only
// from 0.15 on with a flag (Debian 12 ships 0.11), and never the pool's
// sessions; the database port is rarely reachable from a bastion, the
// database host's sshd is, and the host has psql next to the server.
//
// Every run is read-only and bounded: one transaction started READ ONLY
// with a statement_timeout (SET LOCAL, so it holds through poolers in
// transaction mode too), psql without a prompt (-w) and without
// ~/.psqlrc (-X), every argv word shell-quoted by backend/ssh. The output
// is one record a line, fields separated by the ASCII unit separator
// (0x1f), with text fields folded to one line by the query itself, so no
// query text can break the parse. Only the passfile's path is ever
// configured: no password passes through opsdeck.
package pgstat
