package incident

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update and read the diff):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// seedExample is the seed's COMMUNICATION TEMPLATE example as an incident.
func seedExample() *Incident {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	inc := &Incident{
		ID: "20251127-1234-abcdef", Title: "Service Downtime - chat-backend",
		Started: t0, Resolved: at(4), Status: StatusResolved,
		Branch: "Service crash", RTO: 2 * time.Minute,
		Services: []string{"chat-backend"}, Impact: "API requests failing (100% error rate)",
		AffectedUsers: "~500 active users", RootCause: "OOM killer terminated process (memory leak)",
		ActionItems: []string{"Increase memory limit to 1GB (from 512MB)", "Add memory monitoring alert", "Investigate memory leak in code"},
		Timeline: []Event{
			{At: at(0), Kind: EventAlert, Text: "Alert triggered (health check fail)"},
			{At: at(1), Actor: "alice", Kind: EventAction, Text: "Container restarted"},
			{At: at(2), Actor: "live", Kind: EventAnswer, Text: "Health check passing"},
			{At: at(4), Actor: "alice", Kind: EventStep, Text: "Verified all API endpoints working"},
		},
		PostIncident: NewPostIncident(),
	}
	inc.PostIncident[0].Done = true
	inc.PostIncident[1].Done = true
	return inc
}

func TestMarkdownSeedExample(t *testing.T) {
	golden(t, "seed_example.md", Markdown(seedExample(), t0.Add(time.Hour)))
}

func TestMarkdownOpenDatabaseIncident(t *testing.T) {
	inc := &Incident{
		ID: "20251127-2350-abcdef", Title: "Database corruption - chat",
		Started: t0.Add(11*time.Hour + 16*time.Minute), Status: StatusInvestigating,
		Branch: "Database corruption", RTO: 20 * time.Minute, RPO: 24 * time.Hour, RPOAtStake: 3*time.Hour + 12*time.Minute,
		Impact: "Writes failing\non chat", Escalations: []string{"Database admin + CTO (database corruption)"},
		Timeline: []Event{
			{At: t0.Add(11*time.Hour + 16*time.Minute), Kind: EventAlert, Text: "PostgreSQL down"},
			{At: t0.Add(11*time.Hour + 30*time.Minute), Actor: "bob", Kind: EventAction, Text: "Restore chat from latest backup: started"},
		},
		PostIncident: NewPostIncident(),
	}
	// 25 minutes in, past the 20 minute RTO, across midnight.
	golden(t, "open_database.md", Markdown(inc, inc.Started.Add(25*time.Minute)))
}

func TestWriteReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.md")
	inc := seedExample()
	if err := WriteReport(path, inc, t0, false); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode %o", m)
	}
	inc.RootCause = "changed"
	if err := WriteReport(path, inc, t0, false); !errors.Is(err, ErrExists) {
		t.Fatalf("overwrote without leave: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != Markdown(seedExample(), t0) {
		t.Error("refused write changed the file")
	}
	if err := WriteReport(path, inc, t0, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != Markdown(inc, t0) {
		t.Error("overwrite did not write the new report")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
}
