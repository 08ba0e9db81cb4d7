package main

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// runAsClientEnv makes the test binary act as the client binary, so that
// the test can check main's exit status and output without a go build.
const runAsClientEnv = "HTTP2CLIENT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsClientEnv) == "1" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}
