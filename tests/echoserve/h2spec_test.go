package echoserve

import (
	"encoding/xml"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// h2specReport is the part of h2spec's JUnit report the test reads.
type h2specReport struct {
	Suites []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Package string    `xml:"package,attr"`
			Name    string    `xml:"classname,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestH2spec runs every case of h2spec, the HTTP/2 conformance suite
// (RFC 9113 and RFC 7541), against `echo serve`: frames on streams in
// every state, request validation, flow control, SETTINGS, HPACK. Every
// case must pass; none may be skipped.
func TestH2spec(t *testing.T) {
	s := startEchoServe(t)
	host, port := splitAddr(t, s.addr)
	report := filepath.Join(t.TempDir(), "h2spec.xml")
	code, out, errOut := run(t, h2specBin, "-h", host, "-p", port, "-j", report)

	raw, err := os.ReadFile(report)
	require.NoError(t, err, "h2spec wrote no report (exit %d):\n%s\n%s", code, out, errOut)
	var r h2specReport
	require.NoError(t, xml.Unmarshal(raw, &r))
	cases := 0
	for _, suite := range r.Suites {
		for _, c := range suite.Cases {
			cases++
			switch {
			case c.Failure != nil || c.Error != nil:
				t.Errorf("h2spec %s: %s: failed", c.Package, c.Name)
			case c.Skipped != nil:
				t.Errorf("h2spec %s: %s: skipped", c.Package, c.Name)
			}
		}
	}
	require.GreaterOrEqual(t, cases, 145, "h2spec ran fewer cases than it has")
	if t.Failed() {
		t.Logf("h2spec output:\n%s", out)
	}
	require.Zero(t, code, "h2spec exit code")
}

func splitAddr(t *testing.T, addr string) (host, port string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	return host, port
}
