package sim

import "github.com/manacore/opsdeck/backend"

// span is a range levels are derived in when the profile leaves them zero.
type span struct{ lo, hi float64 }

// kind is what a component looks like when nothing is profiled: an API
// takes the traffic and has two replicas, a landing page is small, static
// and has no Docker health check.
type kind struct {
	rps, p95, errPct, cpu span
	memLimit              float64 // bytes
	replicas              int
	healthcheck           bool
}

var kinds = map[backend.Component]kind{
	backend.ComponentBackend: {rps: span{50, 400}, p95: span{250, 480}, errPct: span{0.05, 0.5}, cpu: span{5, 40}, memLimit: 1 << 30, replicas: 2, healthcheck: true},
	backend.ComponentWeb:     {rps: span{20, 150}, p95: span{180, 450}, errPct: span{0.02, 0.3}, cpu: span{3, 25}, memLimit: 512 << 20, replicas: 1, healthcheck: true},
	backend.ComponentLanding: {rps: span{1, 20}, p95: span{120, 250}, errPct: span{0.01, 0.1}, cpu: span{3, 10}, memLimit: 256 << 20, replicas: 1},
}

// kindOf falls back to a web-like service for an unset or unknown component.
func kindOf(c backend.Component) kind {
	if k, ok := kinds[c]; ok {
		return k
	}
	return kinds[backend.ComponentWeb]
}

// service is one simulated service: its skeleton and every level and
// schedule derived from (seed, name, profile), fixed at New.
type service struct {
	skel        backend.Service
	key         key
	kind        kind
	down        bool
	blueGreen   bool // a blue and a green container (Config.BlueGreen)
	slowQueryMS float64

	rps, errPct, p95, cpu, mem wave
	avgRatio                   float64 // average latency as a share of p95
	diskPerReq                 float64 // block I/O bytes per request
	uptime                     float64

	// Rollout: redeployed every period seconds at phase; replica r starts
	// lag[r] seconds after replica 1, as in a rolling deploy.
	period, phase int64
	lag           []int64
	tagBase       int64
}

func newService(seed int64, s backend.Service, p Profile) service {
	k := newKey(seed, s.Name)
	kd := kindOf(s.Component)
	lvl := func(profile float64, salt string, r span) float64 {
		return orLevel(profile, k.with("level").with(salt), r.lo, r.hi)
	}
	rps := lvl(p.RPS, "rps", kd.rps)
	errPct := lvl(p.ErrorRatePct, "err", kd.errPct)
	p95 := lvl(p.P95MS, "p95", kd.p95)
	cpu := lvl(p.CPUPct, "cpu", kd.cpu)
	mem := lvl(p.MemoryPct, "mem", span{30, 70})

	sv := service{
		// Only the configured identity: the caller's skeleton may carry
		// containers or metrics from elsewhere that must not leak in.
		skel: backend.Service{Project: s.Project, Component: s.Component, Name: s.Name, Host: s.Host, HealthURL: s.HealthURL},
		key:  k, kind: kd, down: p.Down, slowQueryMS: p.SlowQueryMS,
		// Amplitudes are relative to the level, except memory: a container's
		// memory is a slow gauge, and ±0.4 points keeps a profiled 85 reading
		// "85%" in the alert text at every clock time.
		rps:      newWave(k.with("rps"), rps, 0.10*rps, 0.03*rps),
		errPct:   newWave(k.with("err"), errPct, 0.20*errPct, 0.10*errPct),
		p95:      newWave(k.with("p95"), p95, 0.045*p95, 0.015*p95),
		cpu:      newWave(k.with("cpu"), cpu, 0.15*cpu, 0.08*cpu),
		mem:      newWave(k.with("mem"), mem, 0.3, 0.1),
		avgRatio: k.with("avg").between(0.45, 0.60),
		// Logs, caches and uploads: a few KiB to tens of KiB a request.
		diskPerReq: k.with("disk").between(2<<10, 24<<10),
	}
	switch u := k.with("uptime"); {
	case p.Down:
		sv.uptime = u.between(92, 98.5)
	case u.unit() < 0.4:
		sv.uptime = 100
	default:
		sv.uptime = u.at(1).between(99.5, 99.99)
	}

	r := k.with("rollout")
	sv.period = 86400 + r.at(0).intn(6*86400) // 1–7 days
	sv.phase = r.at(1).intn(sv.period)
	sv.tagBase = r.at(2).intn(60)
	sv.lag = make([]int64, kd.replicas)
	for i := 1; i < kd.replicas; i++ {
		sv.lag[i] = sv.lag[i-1] + 8 + r.at(int64(10+i)).intn(15)
	}
	return sv
}
