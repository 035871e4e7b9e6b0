//go:build race

package tuitest

// raceEnabled says the test binary was built with -race, so Build builds
// opsdeck with it too.
const raceEnabled = true
