package debugpage

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// screenshotEnv names where to save the page's screenshot (the README's
// docs/debug-page.png); without it, it goes to the test's temporary
// directory.
const screenshotEnv = "ACTORPC_DEBUG_PAGE_SCREENSHOT"

// waitFor bounds each wait for the page to show something: a bound
// against a hang, not a measure of speed.
const waitFor = 60 * time.Second

// pageView is what the test reads off the rendered page.
type pageView struct {
	Kinds       map[string]int `json:"kinds"`
	ServerBox   string         `json:"serverBox"`
	ConnInRates []string       `json:"connInRates"`
	ChanInRate  string         `json:"chanInRate"`
	Summary     string         `json:"summary"`
	Text        string         `json:"text"`
}

const readPage = `(() => {
  const rows = Array.from(document.querySelectorAll("#actors tbody tr[data-kind]"));
  const kinds = {};
  for (const r of rows) kinds[r.dataset.kind] = (kinds[r.dataset.kind] || 0) + 1;
  const cell = (sel) => { const e = document.querySelector(sel); return e ? e.textContent : ""; };
  return {
    kinds,
    serverBox: cell('#actors tr[data-kind="server"] td.mailbox'),
    connInRates: Array.from(document.querySelectorAll('#actors tr[data-kind="connection"] td.in-rate')).map(e => e.textContent),
    chanInRate: cell('#actors tr[data-kind="channel"] td.in-rate'),
    summary: cell("#summary"),
    text: document.body.innerText,
  };
})()`

func TestPageRendersLiveActors(t *testing.T) {
	echo := startBusyEcho(t)
	browser := newBrowser(t)
	ctx, cancel := context.WithTimeout(browser, 2*waitFor)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.Navigate(echo.url)); err != nil {
		t.Fatalf("load %s: %v", echo.url, err)
	}
	// The tree is there, and the rates moved: the page has fetched at
	// least twice, a second apart, while the calls ran.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#actors tr[data-kind="stream"]').length >= 6 &&
		document.querySelector('#actors tr[data-kind="connection"] td.in-rate.busy') !== null &&
		document.querySelector('#actors tr[data-kind="channel"] td.in-rate.busy') !== null`,
		chromedp.WithPollingTimeout(waitFor))); err != nil {
		t.Fatalf("waiting for the tree and its rates: %v", err)
	}
	view, err := chromedp.Run(ctx, chromedp.Evaluate[pageView](readPage))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	for kind, atLeast := range map[string]int{"server": 1, "channel": 1, "subchannel": 1, "connection": 2, "reader": 2, "writer": 2, "stream": 6} {
		if view.Kinds[kind] < atLeast {
			t.Errorf("%d rows of kind %s, want at least %d (kinds: %v)", view.Kinds[kind], kind, atLeast, view.Kinds)
		}
	}
	if !regexp.MustCompile(`^\d+ / [1-9]\d*$`).MatchString(view.ServerBox) {
		t.Errorf("the server's mailbox shows %q, want depth / capacity", view.ServerBox)
	}
	if len(view.ConnInRates) != 2 {
		t.Errorf("connection rates %q, want one per connection", view.ConnInRates)
	}
	if !regexp.MustCompile(`^\d+ live actors`).MatchString(view.Summary) {
		t.Errorf("summary %q, want the count of live actors", view.Summary)
	}
	for _, secret := range []string{secretMetadata, secretPayload} {
		if regexp.MustCompile(regexp.QuoteMeta(secret)).MatchString(view.Text) {
			t.Errorf("the page shows %q", secret)
		}
	}

	// A stream that ends shows up among the recently ended, with its
	// exit reason.
	echo.idle()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#ended tr[data-kind="stream"] td.reason') !== null`,
		chromedp.WithPollingTimeout(waitFor))); err != nil {
		t.Fatalf("waiting for the ended stream: %v", err)
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := os.Getenv(screenshotEnv)
	if path == "" {
		path = filepath.Join(t.TempDir(), "debug-page.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes); %s", path, len(shot), view.Summary)
}
