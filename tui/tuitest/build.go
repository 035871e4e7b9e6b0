package tuitest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// Build compiles ./cmd/opsdeck of the module the calling test runs in into
// dir and returns the binary's path. A test binary built with -race gets a
// -race opsdeck, so a data race in the real program fails the test that
// ran into it (StartConsole sets GORACE to halt on the first report). Call it
// once, from TestMain: a build takes seconds (minutes the first time with
// -race), and every test of the package can share its result.
func Build(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "opsdeck")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/opsdeck")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	return bin, nil
}

// moduleRoot is the directory of the go.mod that governs the working
// directory, which for a test binary is its package's directory.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == "/dev/null" || mod == "NUL" {
		return "", fmt.Errorf("no go.mod above the working directory (go env GOMOD = %q)", mod)
	}
	return filepath.Dir(mod), nil
}
