package config

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	// The zone database inside the binary: on-call hours are in the
	// contact's zone, and a bastion's minimal image may have no
	// /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/manacore/opsdeck/backend/contacts"
)

type rawContact struct {
	Name     string     `yaml:"name"`
	Role     string     `yaml:"role"`
	Phone    string     `yaml:"phone"`
	Email    string     `yaml:"email"`
	URL      string     `yaml:"url"`
	OnCall   *rawOnCall `yaml:"on_call"`
	Fallback string     `yaml:"fallback"`
}

type rawOnCall struct {
	Days     string `yaml:"days"`
	Hours    string `yaml:"hours"`
	TimeZone string `yaml:"time_zone"`
}

// hoursRE is "09:00-17:00" (or "9-17"); "24/7" is handled before it.
var hoursRE = regexp.MustCompile(`^(\d{1,2})(?::(\d\d))?\s*[-–]\s*(\d{1,2})(?::(\d\d))?$`)

var weekdayIndex = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

func (b *builder) contacts(rs []rawContact) contacts.Book {
	var out contacts.Book
	names, roles := map[string]Pos{}, map[string]Pos{}
	for i, r := range rs {
		cp := []any{"contacts", i}
		c := contacts.Contact{Name: strings.TrimSpace(r.Name), Role: r.Role, Fallback: r.Fallback,
			Phone: strings.TrimSpace(r.Phone), Email: strings.TrimSpace(r.Email), URL: strings.TrimSpace(r.URL)}
		switch {
		case c.Name == "":
			b.fail(b.at(path(cp, "name")...), "contact name is required, e.g. DevOps Lead")
		case strings.IndexFunc(c.Name, unicode.IsControl) >= 0:
			b.fail(b.at(path(cp, "name")...), "contact name %q must be a single line of text", c.Name)
		default:
			b.unique(names, "contact", c.Name, b.at(path(cp, "name")...))
		}
		if b.name("contact role", c.Role, path(cp, "role")) {
			if prev, dup := roles[c.Role]; dup {
				b.fail(b.at(path(cp, "role")...), "contact role %q is already used at line %d; the DR tree names contacts by role", c.Role, prev.Line)
			} else {
				roles[c.Role] = b.at(path(cp, "role")...)
			}
		}
		for _, f := range []struct{ key, v string }{{"phone", c.Phone}, {"email", c.Email}} {
			if strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
				b.fail(b.at(path(cp, f.key)...), "%s %q must be a single line of text", f.key, f.v)
			}
		}
		b.url(c.URL, "url", path(cp, "url"))
		if c.Phone == "" && c.Email == "" && c.URL == "" {
			b.fail(b.at(cp...), "contact %q needs a phone, an email or a url: how is it reached?", c.Name)
		}
		if r.OnCall != nil {
			c.OnCall = b.onCall(*r.OnCall, path(cp, "on_call"))
		}
		out = append(out, c)
	}
	for i, c := range out {
		switch {
		case c.Fallback == "":
		case c.Fallback == c.Role:
			b.fail(b.at("contacts", i, "fallback"), "contact %q falls back to itself", c.Name)
		default:
			if _, ok := roles[c.Fallback]; !ok {
				b.fail(b.at("contacts", i, "fallback"), "fallback %q is not the role of a contact", c.Fallback)
			}
		}
	}
	return out
}

// onCall reads {days: mon-fri, hours: "09:00-17:00", time_zone:
// Europe/Berlin}, or {hours: 24/7}.
func (b *builder) onCall(r rawOnCall, op []any) contacts.OnCall {
	hours := strings.TrimSpace(r.Hours)
	if hours == "24/7" {
		if r.Days != "" || r.TimeZone != "" {
			b.fail(b.at(op...), "on_call: hours 24/7 takes no days or time_zone")
		}
		return contacts.OnCall{Always: true}
	}
	var o contacts.OnCall
	m := hoursRE.FindStringSubmatch(hours)
	from, to, ok := clockOf(m, 1), clockOf(m, 3), m != nil
	if !ok || from < 0 || to < 0 || from == to {
		b.fail(b.at(path(op, "hours")...), "on_call.hours %q: write a range of times, e.g. \"09:00-17:00\", or 24/7", r.Hours)
	}
	o.From, o.To = from, to
	if r.Days == "" {
		o.Days = [7]bool{true, true, true, true, true, true, true}
	} else if d, ok := parseDays(r.Days); ok {
		o.Days = d
	} else {
		b.fail(b.at(path(op, "days")...), "on_call.days %q: write days as mon-fri, sat,sun or mon-sun", r.Days)
	}
	if r.TimeZone == "" {
		b.fail(b.at(op...), "on_call needs a time_zone (e.g. Europe/Berlin or UTC): whose 9 to 5?")
		return o
	}
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil || r.TimeZone == "Local" {
		b.fail(b.at(path(op, "time_zone")...), "on_call.time_zone %q is not an IANA time zone, e.g. Europe/Berlin or UTC", r.TimeZone)
		return o
	}
	o.Zone = loc
	return o
}

// clockOf is the time of day in submatches i (hours) and i+1 (minutes),
// -1 when out of range; 24:00 is the end of the day.
func clockOf(m []string, i int) time.Duration {
	if m == nil {
		return -1
	}
	h, _ := strconv.Atoi(m[i])
	mins := 0
	if m[i+1] != "" {
		mins, _ = strconv.Atoi(m[i+1])
	}
	if h > 24 || mins > 59 || (h == 24 && mins != 0) {
		return -1
	}
	return time.Duration(h)*time.Hour + time.Duration(mins)*time.Minute
}

// parseDays reads "mon-fri", "sat,sun", "mon-wed,fri" (ranges wrap:
// "fri-mon").
func parseDays(s string) ([7]bool, bool) {
	var d [7]bool
	for _, part := range strings.Split(strings.ToLower(s), ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, ok1 := weekdayIndex[strings.TrimSpace(lo)]
		if !isRange {
			if !ok1 {
				return d, false
			}
			d[a] = true
			continue
		}
		z, ok2 := weekdayIndex[strings.TrimSpace(hi)]
		if !ok1 || !ok2 {
			return d, false
		}
		for i := a; ; i = (i + 1) % 7 {
			d[i] = true
			if i == z {
				break
			}
		}
	}
	return d, true
}
