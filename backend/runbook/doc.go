// Package runbook runs fleet actions over SSH (backend/ssh): configured
// remote commands (kind "command", and "rollback" for services that have a
// rollback command) and database restores from pg_dump files (kind
// "restore"), each with a plan that states the exact remote command line
// and host before anything runs.
//
// # Values in remote commands
//
// A configured argv may hold placeholders ({service}, {version},
// {project}, {database}, {colour}, {dump}) that are filled from the
// action. Every filled value must be a plain identifier
// (backend.ValidIdent; a dump must be a clean absolute path of plain
// names) or the plan is refused, and the argv is still quoted word by word
// by backend/ssh: there are two independent walls against shell injection.
//
// # Plans are checked again before they run
//
// backend/action.Runner keeps only the Action of a plan, so Execute
// resolves the action again and refuses to run when the steps differ from
// the confirmed ones (a newer dump appeared, the dump changed size, the
// configuration was reloaded). What runs is always exactly what the user
// confirmed.
//
// # Remote requirements
//
// A POSIX login shell (see backend/ssh), GNU find (for -printf) to list
// dumps, and pg_restore and psql on the database host.
package runbook
