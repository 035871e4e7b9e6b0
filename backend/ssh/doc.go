// Package ssh runs remote commands for runbooks and actions over SSH
// (golang.org/x/crypto/ssh), with strict host-key checking, agent and
// key-file auth, an optional jump host, pooled connections with keepalive,
// line-by-line output streaming and cancellation that really ends the
// remote process.
//
// # Host keys
//
// There is no "accept any key" mode. Keys are checked against the
// configured known_hosts through github.com/skeema/knownhosts, and
// ClientConfig.HostKeyAlgorithms is set from the keys known for the host:
// x/crypto does not do that itself and would otherwise negotiate, say,
// ECDSA with a server whose ed25519 key is the one recorded, and then
// report a false mismatch (golang/go#29286). Every hop of a jump chain is
// verified the same way.
//
// # Remote commands
//
// A Command is an argv, never a shell string: every word is quoted with
// Quote and the words are handed as "$@" to a small POSIX sh wrapper
// (remote.go). The login shell of the remote user must therefore be a
// POSIX shell (sh, bash, dash, zsh, ksh); pipelines are written as
// Argv{"sh", "-c", "a | b"}.
//
// # Cancellation
//
// OpenSSH does not kill a PTY-less command when the session or the
// connection goes away, and a PTY would merge stderr into stdout. So the
// wrapper runs the command in its own session and process group (setsid)
// and keeps the SSH channel's stdin as a control line and dead-man switch
// for a watchdog: a "TERM" line makes it SIGTERM the group (sent together
// with an SSH "signal" request, which sshd refuses for root logins since
// those run without privilege separation), and EOF (our close after the
// 2 s grace period, a dropped connection, a killed client) makes it kill
// the group, TERM first and KILL 2 s later. The command reads /dev/null.
package ssh
