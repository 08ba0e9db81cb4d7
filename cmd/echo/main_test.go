package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// echoBin is the echo binary built once for all tests: they test the
// command as users run it, through arguments, output and exit status.
var echoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "echo-test-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "create temp dir: %v\n", err)
		os.Exit(1)
	}
	echoBin = filepath.Join(dir, "echo")
	// raceFlags builds the binary with -race when the tests run with it,
	// so races in the server and client fail the subprocess tests too.
	build := exec.Command("go", append(append([]string{"build"}, raceFlags...), "-o", echoBin, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "build echo: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))
}
