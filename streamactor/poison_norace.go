//go:build !race

package streamactor

// poison does nothing outside race-detector builds (see poison_race.go).
func poison([]byte) {}
