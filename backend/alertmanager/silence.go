package alertmanager

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Matcher is one label matcher of a silence.
type Matcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"isRegex"`
	IsEqual bool   `json:"isEqual"` // false: != or !~
}

// Silence is one silence as Alertmanager lists it.
type Silence struct {
	ID        string
	Matchers  []Matcher
	StartsAt  time.Time
	EndsAt    time.Time
	UpdatedAt time.Time
	CreatedBy string
	Comment   string
	State     string // active, pending or expired
}

// apiSilence is gettableSilence; isEqual is a pointer because servers
// before 0.22 do not send it, and absent means "=".
type apiSilence struct {
	ID       string `json:"id"`
	Matchers []struct {
		Name    string `json:"name"`
		Value   string `json:"value"`
		IsRegex bool   `json:"isRegex"`
		IsEqual *bool  `json:"isEqual"`
	} `json:"matchers"`
	StartsAt  time.Time `json:"startsAt"`
	EndsAt    time.Time `json:"endsAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	CreatedBy string    `json:"createdBy"`
	Comment   string    `json:"comment"`
	Status    struct {
		State string `json:"state"`
	} `json:"status"`
}

// Silences lists every silence Alertmanager remembers: active first, then
// pending, then expired; newest first within each.
func (c *Client) Silences(ctx context.Context) ([]Silence, error) {
	var items []apiSilence
	if err := c.do(ctx, "silences", http.MethodGet, c.endpoint(nil, "silences"), nil, &items); err != nil {
		return nil, err
	}
	out := make([]Silence, 0, len(items))
	for _, it := range items {
		out = append(out, fromAPI(it))
	}
	stateRank := map[string]int{"active": 0, "pending": 1, "expired": 2}
	slices.SortStableFunc(out, func(a, b Silence) int {
		ra, oka := stateRank[a.State]
		rb, okb := stateRank[b.State]
		if !oka {
			ra = 3
		}
		if !okb {
			rb = 3
		}
		if ra != rb {
			return ra - rb
		}
		if c := b.StartsAt.Compare(a.StartsAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func fromAPI(it apiSilence) Silence {
	s := Silence{
		ID: it.ID, StartsAt: it.StartsAt, EndsAt: it.EndsAt, UpdatedAt: it.UpdatedAt,
		CreatedBy: it.CreatedBy, Comment: it.Comment, State: it.Status.State,
	}
	for _, m := range it.Matchers {
		s.Matchers = append(s.Matchers, Matcher{Name: m.Name, Value: m.Value, IsRegex: m.IsRegex, IsEqual: m.IsEqual == nil || *m.IsEqual})
	}
	return s
}

// labelName is a Prometheus label name.
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Silence silences alerts whose labels equal every matcher, from now for
// d, and returns the new silence's ID. createdBy and comment are required
// by Alertmanager; they are the audit trail of who muted what and why.
func (c *Client) Silence(ctx context.Context, matchers map[string]string, d time.Duration, createdBy, comment string) (string, error) {
	fail := func(msg string) (string, error) {
		return "", &Error{Server: c.base.Host, Op: "silence", Msg: msg}
	}
	switch {
	case len(matchers) == 0:
		return fail("at least one matcher is required (an empty silence would mute everything)")
	case d <= 0:
		return fail(fmt.Sprintf("duration must be positive, got %s", d))
	case strings.TrimSpace(createdBy) == "":
		return fail("createdBy is required")
	case strings.TrimSpace(comment) == "":
		return fail("a comment is required")
	}
	names := make([]string, 0, len(matchers))
	for n := range matchers {
		if !labelName.MatchString(n) {
			return fail(fmt.Sprintf("matcher %q is not a label name", n))
		}
		names = append(names, n)
	}
	slices.Sort(names) // a stable body, for logs and tests
	ms := make([]Matcher, len(names))
	for i, n := range names {
		ms[i] = Matcher{Name: n, Value: matchers[n], IsEqual: true}
	}
	start := c.now().UTC()
	body := struct {
		Matchers  []Matcher `json:"matchers"`
		StartsAt  time.Time `json:"startsAt"`
		EndsAt    time.Time `json:"endsAt"`
		CreatedBy string    `json:"createdBy"`
		Comment   string    `json:"comment"`
	}{ms, start, start.Add(d), createdBy, comment}
	var res struct {
		SilenceID string `json:"silenceID"`
	}
	if err := c.do(ctx, "silence", http.MethodPost, c.endpoint(nil, "silences"), body, &res); err != nil {
		return "", err
	}
	if res.SilenceID == "" {
		return fail("Alertmanager answered without a silence ID")
	}
	return res.SilenceID, nil
}

// GetSilence is one silence by ID; an unknown ID is ErrNotFound.
func (c *Client) GetSilence(ctx context.Context, id string) (Silence, error) {
	if !silenceID.MatchString(id) {
		return Silence{}, &Error{Server: c.base.Host, Op: "silence", Msg: fmt.Sprintf("%q is not a silence ID", id)}
	}
	var it apiSilence
	err := c.do(ctx, "silence", http.MethodGet, c.endpoint(nil, "silence", id), nil, &it)
	var e *Error
	if errors.As(err, &e) && (e.Status == http.StatusNotFound ||
		e.Status == http.StatusInternalServerError && strings.Contains(e.Msg, "not found")) {
		e.Err = ErrNotFound
	}
	if err != nil {
		return Silence{}, err
	}
	return fromAPI(it), nil
}

// silenceID is what Alertmanager issues (UUIDs); checking it keeps "." and
// ".." out of the path even though the segment is escaped.
var silenceID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// ErrNotFound is wrapped by Expire when Alertmanager does not know the ID.
var ErrNotFound = errors.New("silence not found")

// Expire ends a silence now.
func (c *Client) Expire(ctx context.Context, id string) error {
	if !silenceID.MatchString(id) {
		return &Error{Server: c.base.Host, Op: "expire", Msg: fmt.Sprintf("%q is not a silence ID", id)}
	}
	err := c.do(ctx, "expire", http.MethodDelete, c.endpoint(nil, "silence", id), nil, nil)
	// 0.27+ answers 404; earlier releases (Debian 12 ships 0.25) answer
	// 500 with the text "silence not found".
	var e *Error
	if errors.As(err, &e) && (e.Status == http.StatusNotFound ||
		e.Status == http.StatusInternalServerError && strings.Contains(e.Msg, "not found")) {
		e.Err = ErrNotFound
	}
	return err
}
