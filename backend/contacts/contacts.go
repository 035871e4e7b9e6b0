// Package contacts is the emergency contact list of the seed's Quick
// Reference ("DevOps Lead … on-call: Mon-Fri 9-5", "Database Admin …
// 24/7"): who to call for what, and whether they are on call at a given
// moment, in their own time zone.
package contacts

import (
	"fmt"
	"strings"
	"time"
)

// Contact is one person or team to call.
type Contact struct {
	Name string // "DevOps Lead"
	// Role is what the DR tree's escalations name ("devops-lead").
	Role              string
	Phone, Email, URL string
	OnCall            OnCall
	// Fallback is the role to call when this contact is off hours.
	Fallback string
}

// OnCall says when a contact answers. The zero value is "no hours
// given": a team inbox, a status page.
type OnCall struct {
	Always bool // 24/7
	// Days are the weekdays of the hours (Sunday first), From and To the
	// time of day, in Zone. To before From wraps past midnight.
	Days     [7]bool
	From, To time.Duration
	Zone     *time.Location
}

// Known reports whether any hours are given.
func (o OnCall) Known() bool { return o.Always || o.Zone != nil }

// At reports whether the hours cover t.
func (o OnCall) At(t time.Time) bool {
	if o.Always {
		return true
	}
	if o.Zone == nil {
		return false
	}
	local := t.In(o.Zone)
	day := local.Weekday()
	since := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute + time.Duration(local.Second())*time.Second
	if o.From <= o.To {
		return o.Days[day] && since >= o.From && since < o.To
	}
	// Overnight hours: the evening belongs to today, the small hours to
	// the day before.
	return (o.Days[day] && since >= o.From) || (o.Days[(day+6)%7] && since < o.To)
}

var dayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// String is the hours as the seed writes them: "24/7",
// "Mon–Fri 9–17 Europe/Berlin", "" when none are given.
func (o OnCall) String() string {
	if o.Always {
		return "24/7"
	}
	if o.Zone == nil {
		return ""
	}
	return days(o.Days) + " " + clock(o.From) + "–" + clock(o.To) + " " + o.Zone.String()
}

// days writes runs of days as ranges, Monday first: "Mon–Fri", "Sat–Sun",
// "Mon, Wed".
func days(d [7]bool) string {
	order := [7]int{1, 2, 3, 4, 5, 6, 0}
	var parts []string
	for i := 0; i < 7; {
		if !d[order[i]] {
			i++
			continue
		}
		j := i
		for j+1 < 7 && d[order[j+1]] {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, dayNames[order[i]])
		default:
			parts = append(parts, dayNames[order[i]]+"–"+dayNames[order[j]])
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// clock is a time of day: "9", "17", "8:30".
func clock(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return fmt.Sprint(h)
	}
	return fmt.Sprintf("%d:%02d", h, m)
}

// Book is the configured contacts, in file order.
type Book []Contact

// ByRole is the contact with that role.
func (b Book) ByRole(role string) (Contact, bool) {
	for _, c := range b {
		if c.Role == role {
			return c, true
		}
	}
	return Contact{}, false
}

// Reach is who to call for a role at a moment.
type Reach struct {
	Contact Contact
	Found   bool // the role names a contact
	OnCall  bool
	// Fallback is whom to call instead while Contact is off hours (the
	// first on call along the fallback chain); nil when none is.
	Fallback *Contact
}

// Reach says whom to call for role at t: the contact when on call (or
// when no hours are given), else the first of its fallbacks who is.
func (b Book) Reach(role string, t time.Time) Reach {
	c, ok := b.ByRole(role)
	if !ok {
		return Reach{}
	}
	r := Reach{Contact: c, Found: true, OnCall: c.OnCall.At(t)}
	if r.OnCall || !c.OnCall.Known() {
		return r
	}
	seen := map[string]bool{c.Role: true}
	for next := c.Fallback; next != "" && !seen[next]; {
		seen[next] = true
		f, ok := b.ByRole(next)
		if !ok {
			break
		}
		if f.OnCall.At(t) || !f.OnCall.Known() {
			r.Fallback = &f
			break
		}
		next = f.Fallback
	}
	return r
}

// How is how to reach a contact: phone, then email, then URL, as many as
// are given ("+49 30 1234 · devops@manacore.app").
func (c Contact) How() string {
	var parts []string
	for _, s := range []string{c.Phone, c.Email, c.URL} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// Advice is the line the wizard shows for an escalation: whom to call
// and how, or why not them and whom instead ("DevOps Lead is off hours
// (Mon–Fri 9–17 Europe/Berlin): call Infrastructure, devops@manacore.app").
func (r Reach) Advice() string {
	c := r.Contact
	switch {
	case !r.Found:
		return ""
	case r.OnCall && c.OnCall.Always:
		return fmt.Sprintf("call %s, on call 24/7: %s", c.Name, c.How())
	case r.OnCall:
		return fmt.Sprintf("call %s, on call now (%s): %s", c.Name, c.OnCall, c.How())
	case !c.OnCall.Known():
		return fmt.Sprintf("call %s: %s", c.Name, c.How())
	case r.Fallback != nil:
		return fmt.Sprintf("%s is off hours (%s): call %s, %s", c.Name, c.OnCall, r.Fallback.Name, r.Fallback.How())
	}
	if how := c.How(); how != "" {
		return fmt.Sprintf("%s is off hours (%s) and no fallback is on call: try %s", c.Name, c.OnCall, how)
	}
	return fmt.Sprintf("%s is off hours (%s) and no fallback is on call", c.Name, c.OnCall)
}
