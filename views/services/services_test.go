package services

import (
	"testing"

	"github.com/manacore/opsdeck/backend"
)

func TestUptimeReadsLikeTheSeed(t *testing.T) {
	for _, c := range []struct {
		v    backend.Value
		want string
	}{
		{backend.Some(100), "100%"},
		{backend.Some(99.53), "99.53%"},
		{backend.None(), "–"},
	} {
		if got := uptime(c.v); got != c.want {
			t.Errorf("uptime(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
