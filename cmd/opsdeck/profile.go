package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling of the real binary, for the performance work of scripts/bench:
// OPSDECK_CPUPROFILE=FILE writes a pprof CPU profile of the whole run,
// OPSDECK_MEMPROFILE=FILE a heap profile at exit. Environment variables,
// not flags, so the usage text stays about the console.
const (
	envCPUProfile = "OPSDECK_CPUPROFILE"
	envMemProfile = "OPSDECK_MEMPROFILE"
)

// startProfiles starts what the environment asks for; the returned func
// stops them and writes the files (call it on exit).
func startProfiles(getenv func(string) string) (func(), error) {
	var cpu *os.File
	if path := getenv(envCPUProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
		}
		cpu = f
	}
	memPath := getenv(envMemProfile)
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
