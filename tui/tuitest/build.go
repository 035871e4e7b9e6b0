package tuitest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Build compiles ./cmd/opsdeck of the module the calling test runs in into
// dir and returns the binary's path. It is built as a user builds it, even
// when the tests run with -race: the race detector changes the scheduling
// enough to hide the ordering bugs these tests exist for (a reply reaching
// the wrong screen passed 3 of 5 such tests under -race and failed them
// all without). OPSDECK_E2E_RACE=1 builds it with -race instead, so a data
// race in the real program fails the test that ran into it (StartConsole
// sets GORACE to halt on the first report). Call it once, from TestMain.
func Build(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "opsdeck")
	args := []string{"build", "-o", bin}
	if os.Getenv("OPSDECK_E2E_RACE") == "1" {
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
