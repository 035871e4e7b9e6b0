package prom

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/manacore/opsdeck/backend"
)

// Rules lists the server's rule groups and their rules
// (backend.RuleLister), in the server's order.
func (s *Source) Rules(ctx context.Context) ([]backend.Rule, error) {
	res, err := s.api.Rules(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: rules: %s", s.label(), describe(err, s.cfg.Auth))
	}
	return convertRules(res), nil
}

func convertRules(res v1.RulesResult) []backend.Rule {
	var out []backend.Rule
	for _, g := range res.Groups {
		for _, r := range g.Rules {
			switch r := r.(type) {
			case v1.AlertingRule:
				out = append(out, backend.Rule{
					Group: g.Name, File: g.File, Name: r.Name, Kind: backend.RuleAlerting, Query: r.Query,
					State: r.State, Health: string(r.Health), LastError: r.LastError,
					LastEvaluation: r.LastEvaluation, EvaluationTime: seconds(r.EvaluationTime), Active: len(r.Alerts),
				})
			case v1.RecordingRule:
				out = append(out, backend.Rule{
					Group: g.Name, File: g.File, Name: r.Name, Kind: backend.RuleRecording, Query: r.Query,
					Health: string(r.Health), LastError: r.LastError,
					LastEvaluation: r.LastEvaluation, EvaluationTime: seconds(r.EvaluationTime),
				})
			}
		}
	}
	return out
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
