package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// docs/cli.md names every command and every flag the command line has, so
// the page cannot fall behind the code.
func TestCLIDocsNameEveryCommandAndFlag(t *testing.T) {
	data, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	root := (&cli{stdout: io.Discard, stderr: io.Discard, getenv: env(nil)}).rootCommand()
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Hidden {
			return
		}
		if cmd.Parent() != nil && cmd.Parent().Name() == "completion" {
			// cobra's own, one per shell: "opsdeck completion bash|zsh|…"
			if !strings.Contains(doc, cmd.Name()) {
				t.Errorf("docs/cli.md does not name the %s completion", cmd.Name())
			}
			return
		}
		if !strings.Contains(doc, cmd.CommandPath()) {
			t.Errorf("docs/cli.md does not name %q", cmd.CommandPath())
		}
		visit := func(f *pflag.Flag) {
			if !strings.Contains(doc, "`--"+f.Name) {
				t.Errorf("docs/cli.md does not document %s --%s", cmd.CommandPath(), f.Name)
			}
		}
		cmd.LocalFlags().VisitAll(visit)
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// Every relative link of the README and docs/ leads to a file that exists.
func TestDocLinksResolve(t *testing.T) {
	pages, _ := filepath.Glob("../../docs/*.md")
	pages = append(pages, "../../README.md")
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(page), target)); err != nil {
				t.Errorf("%s links to %s, which is not there", strings.TrimPrefix(page, "../../"), target)
			}
		}
	}
}
