//go:build race

package interop

// raceEnabled: the test runs under the race detector, and so do the
// actorpc binaries it builds.
const raceEnabled = true
