package debugpage

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, which TestMain installs when missing.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless chromium of the test's own (a fresh
// profile) and returns a tab's context. At cleanup the browser closes
// and chromedp's goroutines end before goleak looks.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath(chromiumPath)
	if err != nil {
		t.Fatalf("chromium is needed (apt-get install -y chromium): %v", err)
	}
	profile, err := os.MkdirTemp("", "debugpage-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// On a closed network, chromium's own background traffic gets
		// connections refused; none of it is wanted here.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1500, 1000),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		if err := chromedp.Cancel(ctx); err != nil {
			t.Logf("closing the browser: %v", err)
		}
		cancel()
		cancelAlloc()
		// Chromium's helpers may still write in the profile for a moment
		// after it exits; a leftover temporary directory is harmless.
		os.RemoveAll(profile)
	})
	// The first Run starts the browser; its context must not carry the
	// test's timeouts (they would end the browser), later ones may.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}
