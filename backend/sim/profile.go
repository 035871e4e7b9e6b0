package sim

// Profile sets the level a simulated figure moves around. A zero field means
// "derive a plausible level from the seed and the name". Profiles are data:
// the embedded demo config uses them to reproduce the seed dashboard
// (picture-backend at 85% memory, chat-backend's 250 ms slow query).
type Profile struct {
	RPS          float64 `yaml:"rps"`            // requests per second
	ErrorRatePct float64 `yaml:"error_rate_pct"` // percent of requests failing
	P95MS        float64 `yaml:"p95_ms"`         // p95 latency in ms
	CPUPct       float64 `yaml:"cpu_pct"`        // percent of one core
	MemoryPct    float64 `yaml:"memory_pct"`     // percent of memory limit
	SlowQueryMS  float64 `yaml:"slow_query_ms"`  // raises an info alert "Slow Query Detected"
	Down         bool    `yaml:"down"`           // the service's containers are exited

	// Databases.
	Connections    float64 `yaml:"connections"`
	MaxConnections float64 `yaml:"max_connections"`
	AvgQueryMS     float64 `yaml:"avg_query_ms"`
	SlowQueries    float64 `yaml:"slow_queries"`
	CacheHitPct    float64 `yaml:"cache_hit_pct"`

	// Dependencies.
	LatencyMS  float64 `yaml:"latency_ms"`
	SuccessPct float64 `yaml:"success_pct"`
}
