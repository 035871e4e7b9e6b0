package sim

import (
	"fmt"

	"github.com/manacore/opsdeck/backend"
)

// Generate is a synthetic fleet skeleton for scale tests and benchmarks:
// projects "proj-001" … each with a backend, a web app and a landing page
// ("proj-017-backend"), a project's services on one host, projects dealt
// round-robin over hostsN hosts ("host-01" …). Backends and web apps get a
// health URL, landing pages none, as in the seed.
func Generate(projects, hostsN int) []backend.Service {
	if projects <= 0 {
		return nil
	}
	hostsN = max(hostsN, 1)
	out := make([]backend.Service, 0, 3*projects)
	for p := 1; p <= projects; p++ {
		project := fmt.Sprintf("proj-%03d", p)
		host := fmt.Sprintf("host-%02d", (p-1)%hostsN+1)
		for _, c := range backend.Components {
			name := project + "-" + string(c)
			svc := backend.Service{Project: project, Component: c, Name: name, Host: host}
			if c != backend.ComponentLanding {
				svc.HealthURL = "https://" + name + ".example.com/api/health"
			}
			out = append(out, svc)
		}
	}
	return out
}
