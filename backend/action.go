package backend

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Role is what an actor may do.
type Role string

const (
	// RoleViewer sees everything and can act on nothing.
	RoleViewer Role = "viewer"
	// RoleOperator may run actions.
	RoleOperator Role = "operator"
)

// Actor is who asks for an action: the local OS user, or the user name
// and key fingerprint of an SSH session of `opsdeck serve`.
type Actor struct {
	User        string `json:"user"`
	Fingerprint string `json:"fingerprint,omitempty"` // SHA256:... of the SSH key
	Role        Role   `json:"role"`
}

// CanAct reports whether the actor may run actions at all.
func (a Actor) CanAct() bool { return a.Role == RoleOperator }

// String names the actor for the timeline: "alice (SHA256:…)".
func (a Actor) String() string {
	if a.Fingerprint == "" {
		return a.User
	}
	return a.User + " (" + a.Fingerprint + ")"
}

// ActionKind names an action on the fleet.
type ActionKind string

const (
	ActKindRestart  ActionKind = "restart"  // restart a service's containers, wait healthy
	ActKindRollback ActionKind = "rollback" // back to the previous image (or a configured command)
	ActKindStop     ActionKind = "stop"     // stop a service's containers
	ActKindStart    ActionKind = "start"    // start them again, wait healthy
	ActKindRestore  ActionKind = "restore"  // restore a database from a dump over SSH
	ActKindSilence  ActionKind = "silence"  // silence an alert in Alertmanager
	ActKindExpire   ActionKind = "expire"   // expire a silence
	ActKindCommand  ActionKind = "command"  // a configured remote command (runbook step, traffic switch)
)

// Action is data: what to do, to what, where, with which parameters. It is
// confirmed by the user, executed by an ActionExecutor, written to the
// audit log before and after, and stamped on the incident timeline.
type Action struct {
	ID     string            `json:"id"` // unique per run; pairs the two audit entries
	Kind   ActionKind        `json:"kind"`
	Target string            `json:"target"`          // service, database, alert or command name
	Where  string            `json:"where,omitempty"` // engine or host it runs on, e.g. "docker@local", "tb-db"
	Params map[string]string `json:"params,omitempty"`
	Actor  Actor             `json:"actor"`
	// Origin is the disaster-recovery tree node that asked for the action,
	// "" when it was started from another screen: the incident desk moves
	// the walk on only for the action of the node it is at.
	Origin string `json:"origin,omitempty"`
}

// ParamString lists the parameters as "k=v k=v", sorted, for confirmations
// and the timeline.
func (a Action) ParamString() string {
	keys := make([]string, 0, len(a.Params))
	for k := range a.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", k, a.Params[k])
	}
	return b.String()
}

// Plan is what an action will do, resolved before it is confirmed, so the
// confirmation states exactly what will happen and where.
type Plan struct {
	Action Action
	// Steps are the concrete operations, one per line:
	// "docker@local: restart container chat-backend-1 (3f2a9c1b)".
	Steps []string
	// Destructive actions are confirmed by typing Confirm (the service or
	// database name); others with y.
	Destructive bool
	Confirm     string
	// Timeout bounds the whole execution.
	Timeout time.Duration
	// Options are the alternatives for one parameter the user may pick in
	// the confirmation (the dumps to restore from, newest first); picking
	// one plans the action again with that value.
	Options []ParamOption
}

// ParamOption is one choice for a parameter: Value goes into
// Action.Params[Param], Label is what the user reads ("2026-11-26 03:00 ·
// 12 MiB · chat-20261126.dump").
type ParamOption struct {
	Param, Value, Label string
}

// OutputLine is one line of an action's streamed output.
type OutputLine struct {
	At     time.Time
	Stream string // "stdout", "stderr", or "info" for opsdeck's own progress lines
	Text   string
}

// ActionExecutor knows how to do one or more kinds of action.
type ActionExecutor interface {
	// Plan resolves the action against the current state (which
	// containers, which image, which dump); an error means it cannot run
	// (unknown service, no previous version) and is shown instead of a
	// confirmation.
	Plan(ctx context.Context, a Action) (Plan, error)
	// Execute runs a confirmed plan, streaming progress to out (called
	// from one goroutine at a time, never after Execute returns). It must
	// stop promptly when ctx is cancelled (ctrl+c) or times out, ending
	// any remote process, and return an error saying so.
	Execute(ctx context.Context, p Plan, out func(OutputLine)) error
}

// identRE is what a name put into a remote command or a Docker call must
// look like: service, database and container names, versions and tags.
var identRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// ValidIdent reports whether s is a plain identifier (letters, digits, _ . -,
// not starting with a punctuation character). Names that are not are
// refused before anything runs, in addition to shell quoting.
func ValidIdent(s string) bool { return identRE.MatchString(s) }

// ActionRunner is what the UI asks to plan and run actions (backend/action
// implements it: role check, audit, timeout, timeline).
type ActionRunner interface {
	Plan(ctx context.Context, a Action) (Plan, error)
	Execute(ctx context.Context, p Plan, out func(OutputLine)) error
	// Kinds reports which kinds are configured, so the UI can say
	// "rollback: not configured" before asking anything.
	Kinds() map[ActionKind]bool
}

// Silence is an Alertmanager silence as the UI lists it.
type Silence struct {
	ID        string
	Matchers  string // "alertname=HighMemory service=picture-backend"
	CreatedBy string
	Comment   string
	StartsAt  time.Time
	EndsAt    time.Time
	State     string // active, pending, expired
}

// EndedError is the error of an action that did not run to its end: it
// was cancelled or timed out (Result, the audit word), with what the
// executor reported beyond that (Detail, "" when nothing: "context
// canceled" says no more than "cancelled").
type EndedError struct {
	Result, Detail string
	Err            error
}

func (e *EndedError) Error() string {
	if e.Detail == "" {
		return e.Result
	}
	return e.Result + ": " + e.Detail
}

func (e *EndedError) Unwrap() error { return e.Err }

// contextNoise is what Go's context errors add to a message an engineer
// reads: nothing the word "cancelled" or "timed out" does not say.
var contextNoise = []string{": " + context.Canceled.Error(), ": " + context.DeadlineExceeded.Error(),
	context.Canceled.Error(), context.DeadlineExceeded.Error()}

// Ended words err of an action that ended as result ("cancelled", "timed
// out") once: the word, then what the executor said beyond it, without
// the context's own message or the word repeated ("cancelled: cancelled:
// context canceled" reads "cancelled").
func Ended(result string, err error) *EndedError {
	d := err.Error()
	for _, n := range contextNoise {
		d = strings.ReplaceAll(d, n, "")
	}
	for {
		t := strings.TrimLeft(d, " :;,")
		for _, w := range []string{"cancelled", "canceled", "timed out", result} {
			t = strings.TrimPrefix(t, w)
		}
		t = strings.TrimLeft(t, " :;,")
		if t == d {
			break
		}
		d = t
	}
	return &EndedError{Result: result, Detail: d, Err: err}
}

// SilenceSteps is the plan of a silence as every executor states it, one
// short line each: how long and until when, every matcher, who and why.
func SilenceSteps(where string, matchers map[string]string, d time.Duration, now time.Time, by, comment string) []string {
	steps := []string{fmt.Sprintf("%s: silence alerts for %s, until %s", where, ShortDuration(d), now.Add(d).UTC().Format("2006-01-02 15:04 UTC"))}
	names := make([]string, 0, len(matchers))
	for n := range matchers {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		word := "and"
		if i == 0 {
			word = "where"
		}
		steps = append(steps, fmt.Sprintf("%s %s=%q", word, n, matchers[n]))
	}
	return append(steps, fmt.Sprintf("created by %s, comment %q", by, comment))
}

// ShortDuration is d without its zero units: 4h, 1h30m, 90s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// SilenceLister lists the silences (the alerts view's "silences" list).
type SilenceLister interface {
	Silences(ctx context.Context) ([]Silence, error)
}

// BackupAger tells the age of a database's newest backup (the RPO at
// stake during an incident).
type BackupAger interface {
	NewestBackup(ctx context.Context, database string) (time.Time, error)
}
