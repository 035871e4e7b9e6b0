package kit

import (
	"context"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/contacts"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/theme"
)

// Common is what every screen of one console shares: passed explicitly,
// never global. Each console (the local one, each `opsdeck serve` session)
// has its own.
type Common struct {
	Theme *theme.Theme
	Keys  *keymap.KeyMap
	Now   func() time.Time
	// IDs gives every screen of this console its address.
	IDs *IDs
	// Actor is who this console acts as; a viewer cannot act.
	Actor backend.Actor
	// DBServices are the services that use each database (config), for
	// "stop affected services".
	DBServices map[string][]string
	// Deployments are the blue/green projects (config deployments:).
	Deployments []deploy.Spec
	// Contacts are the emergency contacts (config contacts:).
	Contacts contacts.Book
	Deps     Deps
	// Serial queues this console's serial requests as they are asked
	// (AskSerial); the root runs them.
	Serial *SerialQueue
}

// Deps are the backends screens ask for work, each nil when not
// configured. A screen uses them only inside a Request's Run, never in
// Update or View.
type Deps struct {
	// Checker runs the health checks.
	Checker backend.HealthChecker
	// Targets checks given health URLs (a blue/green colour's own).
	Targets backend.TargetChecker
	// Logs follows a service's logs.
	Logs backend.LogStreamer
	// Ranges gives the p95 history of the 24-hour chart.
	Ranges backend.RangeQuerier
	// Silences lists Alertmanager's silences.
	Silences backend.SilenceLister
	// Rules lists Prometheus' rules (:rules).
	Rules backend.RuleLister
	// Databases reads a database's slow statements and pool (its detail).
	Databases backend.DBInspector
	// AuditPairs reads the audit log (the deployments' history).
	AuditPairs func(ctx context.Context) ([]audit.Pair, error)
	// Incidents is the incident desk this console works at.
	Incidents *incident.Desk
}

// NewID is a fresh address for a screen of this console.
func (c Common) NewID() ID { return c.IDs.Next() }

// Clock is the time a screen renders against: the injected clock,
// falling back to the snapshot's time so rendering stays a pure function
// in tests.
func (c Common) Clock(s backend.Snapshot) time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return s.At
}
