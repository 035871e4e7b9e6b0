package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(minimal), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flagFile := write("flag.yaml")
	envFile := write("env.yaml")
	xdgFile := write("xdg/opsdeck/config.yaml")
	homeFile := write("home/.config/opsdeck/config.yaml")
	missing := filepath.Join(dir, "missing.yaml")

	cases := []struct {
		name    string
		flag    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"flag wins over everything", flagFile, map[string]string{"OPSDECK_CONFIG": envFile, "XDG_CONFIG_HOME": filepath.Join(dir, "xdg")}, flagFile, ""},
		{"missing flag file is an error", missing, map[string]string{"OPSDECK_CONFIG": envFile}, "", "config file not found (named by --config)"},
		{"flag naming a directory is an error", dir, nil, "", "is a directory"},
		{"env wins over XDG", "", map[string]string{"OPSDECK_CONFIG": envFile, "XDG_CONFIG_HOME": filepath.Join(dir, "xdg")}, envFile, ""},
		{"missing env file is an error", "", map[string]string{"OPSDECK_CONFIG": missing}, "", "named by $OPSDECK_CONFIG"},
		{"XDG config home", "", map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "xdg"), "HOME": filepath.Join(dir, "home")}, xdgFile, ""},
		{"HOME/.config when XDG is unset", "", map[string]string{"HOME": filepath.Join(dir, "home")}, homeFile, ""},
		{"relative XDG is ignored", "", map[string]string{"XDG_CONFIG_HOME": "xdg", "HOME": filepath.Join(dir, "home")}, homeFile, ""},
		{"no file under XDG: embedded default", "", map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "empty")}, "", ""},
		{"nothing set: embedded default", "", nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Locate(c.flag, func(k string) string { return c.env[k] })
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %q, %v; want error containing %q", got, err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
