package ssh

// wrapper is the POSIX sh program every command runs under; the command's
// argv arrives as "$@". Why each part is there:
//
//   - setsid: the command gets its own session and process group, so one
//     kill reaches everything it started (sh -c pipelines, children).
//     Without setsid on the remote, only the command's own pid is killed.
//   - </dev/null: the command must not consume the channel's stdin, which
//     is the control line below. The watchdog gets stdin through fd 3
//     because sh gives background jobs /dev/null as stdin by default.
//   - the watchdog subshell reads the channel's stdin, which only the
//     client writes to: a line "TERM" means terminate now (our in-band
//     signal: sshd refuses SSH "signal" requests for root logins, which
//     run without privilege separation, and for servers before 7.9);
//     EOF means the channel is gone (our close after the grace period, a
//     dropped connection, a dead client). OpenSSH does not kill a
//     PTY-less command then, so the watchdog does: TERM, 2 s, KILL. It
//     ignores TERM itself since sshd's signal hits the whole group.
//   - trap on TERM/INT/HUP: when sshd does deliver an SSH "signal" (to
//     this shell's process group), it is forwarded to the command's group
//     and we keep waiting, so the real exit status comes back.
//   - the loop after wait: a trapped signal interrupts wait early; we wait
//     again until the command has really exited, then stop the watchdog.
//
// The watchdog's output goes to /dev/null so it never holds the session
// open.
const wrapper = `p= t=
k() { [ -n "$p" ] && { kill -s "$1" -- -"$p" 2>/dev/null || kill -s "$1" "$p" 2>/dev/null; }; }
trap 't=1; k TERM' TERM INT HUP
exec 3<&0
if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null 3<&- & else "$@" </dev/null 3<&- & fi
p=$!
[ -n "$t" ] && k TERM
(trap '' TERM INT HUP; while read -r l; do [ "$l" = TERM ] && k TERM; done; k TERM; sleep 2; k KILL) <&3 >/dev/null 2>&1 &
exec 3<&-
w=$!
wait "$p" 2>/dev/null; r=$?
while kill -0 "$p" 2>/dev/null; do wait "$p" 2>/dev/null; r=$?; done
kill -s KILL "$w" 2>/dev/null; wait "$w" 2>/dev/null
exit "$r"`

// wrapperName is $0 of the wrapper: it shows up in ps on the remote.
const wrapperName = "opsdeck-run"

// remoteCommand is the exact string sent in the "exec" request. The login
// shell execs sh, so sshd's session pid is the wrapper itself.
func remoteCommand(argv []string) string {
	return "exec sh -c " + Quote(wrapper) + " " + wrapperName + " " + QuoteArgv(argv)
}

// termLine asks the watchdog to send SIGTERM to the command's group.
const termLine = "TERM\n"
