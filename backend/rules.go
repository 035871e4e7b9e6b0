package backend

import (
	"context"
	"time"
)

// RuleKind is what a Prometheus rule does.
type RuleKind string

const (
	RuleAlerting  RuleKind = "alerting"
	RuleRecording RuleKind = "recording"
)

// Rule is one rule of Prometheus' rule groups (/api/v1/rules): the
// seed's "Configure Alerts", read-only.
type Rule struct {
	Group string
	File  string
	Name  string
	Kind  RuleKind
	Query string
	// State of an alerting rule: "inactive", "pending" or "firing"; ""
	// for a recording rule.
	State string
	// Health of the last evaluation: "ok", "err" or "unknown".
	Health    string
	LastError string
	// LastEvaluation is zero before the first one.
	LastEvaluation time.Time
	EvaluationTime time.Duration
	// Active counts an alerting rule's pending and firing alerts.
	Active int
}

// RuleLister lists the rules a Prometheus server evaluates, by group.
type RuleLister interface {
	Rules(ctx context.Context) ([]Rule, error)
}
