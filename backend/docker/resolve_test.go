package docker

import (
	"testing"

	"github.com/manacore/opsdeck/backend"
)

func TestDefaultResolve(t *testing.T) {
	cases := []struct {
		project, service string
		name             string
		comp             backend.Component
	}{
		{"chat", "backend", "chat-backend", backend.ComponentBackend},
		{"chat", "chat-backend", "chat-backend", backend.ComponentBackend}, // already prefixed
		{"chat", "api", "chat-api", backend.ComponentBackend},
		{"chat", "frontend", "chat-frontend", backend.ComponentWeb},
		{"chat", "web", "chat-web", backend.ComponentWeb},
		{"chat", "chat-web", "chat-web", backend.ComponentWeb},
		{"shop", "shop_landing", "shop-shop_landing", backend.ComponentLanding}, // prefix needs "-"
		{"shop", "public-landing", "shop-public-landing", backend.ComponentLanding},
		{"shop", "admin-frontend", "shop-admin-frontend", backend.ComponentWeb},
		{"shop", "WEB", "shop-WEB", backend.ComponentWeb},
		{"shop", "worker", "shop-worker", backend.ComponentBackend}, // unknown → backend
		{"shop", "cobweb", "shop-cobweb", backend.ComponentBackend}, // suffix needs a separator
		{"shop", "shopper", "shop-shopper", backend.ComponentBackend},
	}
	for _, c := range cases {
		name, comp := DefaultResolve(c.project, c.service)
		if name != c.name || comp != c.comp {
			t.Errorf("DefaultResolve(%q, %q) = %q, %q; want %q, %q", c.project, c.service, name, comp, c.name, c.comp)
		}
	}
}

func TestImageVersion(t *testing.T) {
	const id = "4a5c9e2f1b3d6a8c0e7f9b1d3a5c7e9f1b3d5a7c9e1f3b5d7a9c1e3f5b7d9a1c"
	label := map[string]string{labelVersion: "1.4.2"}
	cases := []struct {
		ref    string
		labels map[string]string
		want   string
	}{
		{"manacore/chat-backend:v1.6.0", nil, "v1.6.0"},
		{"manacore/chat-backend:v1.6.0", label, "v1.6.0"}, // the tag wins
		{"registry.local:5000/chat/api:2.0.1", nil, "2.0.1"},
		{"registry.local:5000/chat/api", nil, "latest"},  // the port is not a tag
		{"registry.local:5000/chat/api", label, "1.4.2"}, // "latest" says nothing
		{"nginx:latest", label, "1.4.2"},
		{"nginx", nil, "latest"},
		{"chat/api:v3@sha256:" + id, nil, "v3"},
		{"chat/api@sha256:" + id, nil, ""}, // pinned by digest
		{"chat/api@sha256:" + id, label, "1.4.2"},
		{"sha256:" + id, label, "1.4.2"}, // created from an image ID
		{id, nil, ""},
		{"", label, "1.4.2"},
	}
	for _, c := range cases {
		if got := imageVersion(c.ref, c.labels); got != c.want {
			t.Errorf("imageVersion(%q, %v) = %q, want %q", c.ref, c.labels, got, c.want)
		}
	}
}
