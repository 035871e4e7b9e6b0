package neterr

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

func TestDescribe(t *testing.T) {
	// A loopback port nothing listens on.
	addr := testbed.FreeAddr(t)
	_, err := http.Get("http://" + addr + "/api/v1/query")
	if got := Describe(err); got != "connection refused" {
		t.Errorf("refused: %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if got := Describe(fmt.Errorf("query: %w", ctx.Err())); got != "no answer before the deadline" {
		t.Errorf("deadline: %q", got)
	}
	if got := FirstLine("\n  first line\nsecond", 5); got != "first…" {
		t.Errorf("first line: %q", got)
	}
	if got := FirstLine(strings.Repeat("é", 4), 3); got != "é…" {
		t.Errorf("cut inside a rune must not leave broken UTF-8: %q", got)
	}
}
