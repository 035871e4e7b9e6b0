package dockerbed

import (
	"context"
	"maps"
	"strconv"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/manacore/opsdeck/backend/testbed"
)

// The test bed's fleet images: scripts/testbed builds them FROM scratch
// around the fleetsvc program (no registry can be reached, so nothing is
// pulled), with a HEALTHCHECK on its /api/health.
const (
	FleetV1 = "opsdeck-fleetsvc:v1.0.0"
	FleetV2 = "opsdeck-fleetsvc:v1.1.0"
)

// NeedImages fails the test unless the engine has every image of refs.
func (b *Bed) NeedImages(refs ...string) {
	b.t.Helper()
	for _, ref := range refs {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := b.Client.ImageInspect(ctx, ref)
		cancel()
		if err != nil {
			b.t.Fatalf("test bed image %s: %v (run scripts/testbed up)", ref, err)
		}
	}
}

// Fleet is a fleetsvc container for RunFleet.
type Fleet struct {
	Service string            // its compose service
	Name    string            // its container name after "<Project>-"
	Image   string            // FleetV1 when empty
	Env     []string          // after PORT (fleetsvc reads RPS, ERROR_PCT, LATENCY_MS)
	Labels  map[string]string // besides the compose and the Bed's labels
}

// RunFleet runs a fleetsvc container the way scripts/testbed runs the
// fleet: host network, PORT a free loopback port, the compose labels of a
// service of the Bed's project, the image's health check. It returns the
// container's ID and port.
func (b *Bed) RunFleet(f Fleet) (id string, port int) {
	b.t.Helper()
	if f.Image == "" {
		f.Image = FleetV1
	}
	b.NeedImages(f.Image)
	port = testbed.FreePort(b.t)
	labels := map[string]string{LabelProject: b.Project, LabelService: f.Service, LabelNumber: "1", LabelOneOff: "False"}
	maps.Copy(labels, f.Labels)
	cfg := &container.Config{Image: f.Image, Env: append([]string{"PORT=" + strconv.Itoa(port)}, f.Env...), Labels: labels}
	return b.Run(b.Project+"-"+f.Name, cfg, &container.HostConfig{NetworkMode: "host"}), port
}
