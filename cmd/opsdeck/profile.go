package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling of the real binary, for performance work (scripts/bench):
// --cpuprofile FILE writes a pprof CPU profile of the whole run,
// --memprofile FILE a heap profile at exit. The environment variables are
// the flags' defaults, so a harness can profile every opsdeck it starts
// without changing the command lines it runs.
const (
	envCPUProfile = "OPSDECK_CPUPROFILE"
	envMemProfile = "OPSDECK_MEMPROFILE"
)

// startProfiles starts the profiles asked for; the returned func stops
// them and writes the files (call it on exit).
func startProfiles(cpuPath, memPath string) (func(), error) {
	var cpu *os.File
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		cpu = f
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if memPath != "" {
			if f, err := os.Create(memPath); err == nil {
				runtime.GC() // up-to-date live heap
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}, nil
}
