// Package debugpage loads rpc/debug's live actor page in a real headless
// browser (Debian's chromium, driven by chromedp) while calls run, and
// checks that the trees and the numbers render.
package debugpage

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
