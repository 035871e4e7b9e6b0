package sim

import (
	"context"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// The demo's detail agrees with the databases screen at every moment: as
// many sessions as connections in use, as many statements over the slow
// line as the SLOW figure, and the pool past its warning level held by a
// session idle in a transaction.
func TestInspectAgreesWithThePool(t *testing.T) {
	f, c := seedFleet(1)
	for range 30 {
		now := f.now()
		for _, pool := range f.databases(now) {
			got, err := f.Inspect(context.Background(), pool.Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Sessions) != int(pool.Connections.V) || backend.Total(got.ByState) != len(got.Sessions) ||
				got.MaxConnections != int(pool.MaxConnections.V) || !got.At.Equal(now) || got.Source != "simulated (demo)" {
				t.Fatalf("%s at %v: %d sessions for %v connections, %+v", pool.Name, now, len(got.Sessions), pool.Connections, got)
			}
			slow := 0
			for i, s := range got.Statements {
				if s.MeanMS >= SlowQueryMS {
					slow++
				}
				if i > 0 && s.MeanMS > got.Statements[i-1].MeanMS || s.Calls <= 0 || s.TotalMS < s.MeanMS {
					t.Fatalf("%s statements %+v", pool.Name, got.Statements)
				}
			}
			if slow != int(pool.SlowQueries.V) {
				t.Errorf("%s: %d statements over %d ms, SLOW says %v", pool.Name, slow, SlowQueryMS, pool.SlowQueries)
			}
			idle := 0
			for _, s := range got.Sessions {
				if s.IdleInTransaction() {
					idle++
					if s.Age(now) < 2*time.Minute {
						t.Errorf("%s: idle in transaction for %v only", pool.Name, s.Age(now))
					}
				}
			}
			warn := pool.Connections.V/pool.MaxConnections.V*100 > f.th.DBPoolPct.Warn
			if (idle == 1) != warn {
				t.Errorf("%s at %v/%v: %d sessions idle in a transaction", pool.Name, pool.Connections, pool.MaxConnections, idle)
			}
		}
		c.add(37 * time.Second)
	}
	if _, err := f.Inspect(context.Background(), "nope"); err == nil {
		t.Error("an unknown database was inspected")
	}
}
