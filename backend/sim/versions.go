package sim

import (
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// rollbackReleases is how many releases before the running one a
// simulated rollback offers.
const rollbackReleases = 4

// rollbackTo is what a simulated rollback offers and goes to: the
// releases the service ran before, newest first (param "version", the
// seed's "rollback.sh chat v1.5.2"), and the one chosen, by default the
// release before the running one. A version the service never ran is
// refused.
func (x *Actions) rollbackTo(a backend.Action) ([]backend.ParamOption, string, error) {
	s, ok := x.Fleet.service(a.Target)
	if !ok {
		return nil, "", fmt.Errorf("%s: no such service in the fleet", a.Target)
	}
	now := x.Fleet.now()
	k, _ := s.epoch(0, now.Unix())
	running := s.tag(k)
	if o := x.Fleet.opsOf(a.Target); o.rolledBackTo != "" && o.rolledBackDep == k {
		running = o.rolledBackTo
	}
	var opts []backend.ParamOption
	for i := int64(1); len(opts) < rollbackReleases && i <= rollbackReleases+1; i++ {
		v := s.tag(k - i)
		if v == running {
			continue
		}
		start := s.phase + s.lag[0] + (k-i)*s.period // when replica 1 got it, as epoch says
		opts = append(opts, backend.ParamOption{Param: "version", Value: v,
			Label: v + " · deployed " + time.Unix(start, 0).UTC().Format("2006-01-02 15:04 UTC")})
	}
	want := a.Params["version"]
	if want == "" {
		return opts, opts[0].Value, nil
	}
	for _, o := range opts {
		if o.Value == want {
			return opts, want, nil
		}
	}
	return opts, "", fmt.Errorf("rollback %s: version %q is not one it ran before (offered: %s)", a.Target, want, optionValues(opts))
}

func optionValues(opts []backend.ParamOption) string {
	out := ""
	for i, o := range opts {
		if i > 0 {
			out += ", "
		}
		out += o.Value
	}
	return out
}
