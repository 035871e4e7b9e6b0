// Package backend holds opsdeck's domain types (Snapshot, Service, Alert,
// DBPool, Dependency, Series), the Source interface that every concrete
// backend implements, and the rules that turn raw figures into a status
// against the configured thresholds.
//
// Views and the TUI import this package only; concrete sources live in
// sub-packages (backend/sim, later backend/docker, backend/prom, backend/ssh)
// and are wired together in cmd/opsdeck.
package backend
