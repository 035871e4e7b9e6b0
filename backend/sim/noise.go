package sim

import "math"

// Nothing the simulator shows is stored and advanced: every figure is
// computed from (seed, name, clock). The same seed and clock therefore give
// the same fleet (stable goldens, reproducible demos), a different seed a
// different one, and a fetch needs no state but the alert memory.

// key names one deterministic random stream. Derive sub-streams with with
// (a salt such as "rps") and at (an index such as a time bucket); read it
// with unit, sym, between or intn.
type key uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	golden    = 0x9e3779b97f4a7c15
)

// newKey hashes the seed and a name (service, database, dependency).
func newKey(seed int64, name string) key {
	h := uint64(fnvOffset)
	for i := 0; i < 8; i++ {
		h ^= uint64(seed>>(8*i)) & 0xff
		h *= fnvPrime
	}
	return key(mix(hashString(h, name)))
}

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// mix is the splitmix64 finaliser: FNV alone leaves neighbouring inputs
// (bucket 17, bucket 18) with correlated low bits.
func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}

func (k key) with(salt string) key { return key(mix(hashString(uint64(k)^golden, salt))) }
func (k key) at(i int64) key       { return key(mix(uint64(k) ^ uint64(i)*golden)) }

// unit is uniform in [0, 1).
func (k key) unit() float64 { return float64(uint64(k)>>11) / (1 << 53) }

// sym is uniform in [-1, 1).
func (k key) sym() float64 { return 2*k.unit() - 1 }

func (k key) between(lo, hi float64) float64 { return lo + (hi-lo)*k.unit() }
func (k key) intn(n int64) int64             { return int64(uint64(k) % uint64(n)) }

// jitterStep is how long one jitter sample holds: a poll every 2 s sees the
// smooth part move and the noise change every few polls, like a real scrape.
const jitterStep = 10.0 // seconds

// bands are the sines a wave is made of: a fast wobble (minutes), a swell
// (about an hour) and a slow drift (hours). Weights sum to 1 so the sines
// stay within ±amp.
var bands = [3]struct{ lo, hi, weight float64 }{
	{5 * 60, 15 * 60, 0.5},
	{30 * 60, 90 * 60, 0.3},
	{3 * 3600, 8 * 3600, 0.2},
}

// wave is a figure that drifts around level: the bands with hashed periods
// and phases scaled by amp, plus jitter per 10 s bucket scaled by jitter. It
// never leaves level ± (amp + jitter), which is what keeps a profile's level
// recognisable.
type wave struct {
	level, amp, jitter float64
	period, phase      [3]float64
	noise              key
}

func newWave(k key, level, amp, jitter float64) wave {
	w := wave{level: level, amp: amp, jitter: jitter, noise: k.with("jitter")}
	for i, b := range bands {
		w.period[i] = k.at(int64(2*i)).between(b.lo, b.hi)
		w.phase[i] = k.at(int64(2*i+1)).between(0, 2*math.Pi)
	}
	return w
}

// at is the figure at sec, seconds since the Unix epoch.
func (w *wave) at(sec float64) float64 {
	v := 0.0
	for i := range w.period {
		v += bands[i].weight * math.Sin(2*math.Pi*sec/w.period[i]+w.phase[i])
	}
	bucket := int64(math.Floor(sec / jitterStep))
	return w.level + w.amp*v + w.jitter*w.noise.at(bucket).sym()
}

// keepSide stops movement from carrying a figure across a limit its level
// is not across (either way): a profile at 85% memory must keep its alert at
// every clock time, one at p95 490 ms must never page. Movement towards the
// limit is squeezed smoothly (tanh) into the room left, so a sparkline
// flattens near the line instead of being cut off. A limit ≤ 0 is unset.
func keepSide(v, level, limit float64) float64 {
	room, d := limit-level, v-level
	switch {
	case limit <= 0 || d == 0:
		return v
	case room == 0: // at the limit is not over it
		return math.Min(v, limit)
	case (room > 0) != (d > 0):
		return v // moving away from the limit
	}
	v = level + room*math.Tanh(d/room)
	if room < 0 && v <= limit { // tanh rounds to 1 for far excursions
		v = math.Nextafter(limit, math.Inf(1))
	}
	return v
}

// keepReach is keepSide for a level that counts once it is reached (a
// down level: a pool at 10/10 is down): a figure whose level is at the
// limit stays at or past it, one whose level is below stays below.
func keepReach(v, level, limit float64) float64 {
	switch {
	case limit <= 0:
		return v
	case level == limit:
		return math.Max(v, limit)
	}
	v = keepSide(v, level, limit)
	if level < limit && v >= limit { // tanh rounds to 1 for far excursions
		v = math.Nextafter(limit, math.Inf(-1))
	}
	return v
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// floorDiv is a/b rounded towards minus infinity (b > 0), for epochs that
// must not shift at zero.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// orLevel is the profile's level, or a derived one when the field is zero.
func orLevel(profile float64, k key, lo, hi float64) float64 {
	if profile != 0 {
		return profile
	}
	return k.between(lo, hi)
}
