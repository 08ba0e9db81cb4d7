//go:build !race

package bufpool

// poison does nothing outside race-detector builds (see poison_race.go).
func poison([]byte) {}
