// Package debugpage loads rpc/debug's live actor page in a real headless
// browser (Debian's chromium, driven by chromedp) while calls run, and
// checks that the trees and the numbers render.
package debugpage

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The README's test command must work on a fresh machine: the
	// browser is installed here when missing, as .ci/run does too.
	if err := ensureChromium(); err != nil {
		fmt.Fprintln(os.Stderr, "debugpage:", err)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m)
}
