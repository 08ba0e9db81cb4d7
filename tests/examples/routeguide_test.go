package examples

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// featureAt is the name each server's database gives the first point the
// route guide clients ask about, (409146138, -746188906).
var featureAt = map[string]string{
	"ours-rg-server":   "Fox Hill Orchard",
	"ported-rg-server": "Berkshire Valley Management Area Trail, Jefferson, NJ, USA",
	"grpc-rg-server":   "Berkshire Valley Management Area Trail, Jefferson, NJ, USA",
}

// exampleCerts is examples/data/x509, which actorpc's examples (and the
// ported ones, through their swapped data import) use for -tls.
func exampleCerts(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "data", "x509")
}

// TestRouteGuide runs route guide servers against clients across stacks,
// each of the four kinds of call, over plaintext and TLS.
func TestRouteGuide(t *testing.T) {
	cases := []struct {
		server, client string
		tls            bool
	}{
		{"ours-rg-server", "grpc-rg-client", false},
		{"ported-rg-server", "grpc-rg-client", false},
		{"grpc-rg-server", "ours-rg-client", false},
		{"grpc-rg-server", "ported-rg-client", false},
		{"ours-rg-server", "ours-rg-client", false},
		{"ours-rg-server", "grpc-rg-client", true},
		{"ported-rg-server", "grpc-rg-client", true},
		{"grpc-rg-server", "ours-rg-client", true},
		{"ours-rg-server", "ours-rg-client", true},
	}
	certs := exampleCerts(t)
	for _, c := range cases {
		name := c.server + "/" + c.client
		if c.tls {
			name += "/tls"
		}
		t.Run(name, func(t *testing.T) {
			var serverArgs, clientArgs []string
			if c.tls {
				// Every program is given actorpc's example certificates:
				// grpc-go's own programs default to grpc-go's.
				serverArgs = []string{"-tls", "-cert_file=" + filepath.Join(certs, "server_cert.pem"), "-key_file=" + filepath.Join(certs, "server_key.pem")}
				clientArgs = []string{"-tls", "-ca_file=" + filepath.Join(certs, "ca_cert.pem")}
			}
			port := startServer(t, c.server, serverArgs...)
			out := runClient(t, c.client, append(clientArgs, fmt.Sprintf("-addr=localhost:%d", port))...)
			assert.Contains(t, out, fmt.Sprintf("name:%q", featureAt[c.server]), "GetFeature (unary)")
			assert.Contains(t, out, "Feature: name: ", "ListFeatures (server streaming)")
			assert.Contains(t, out, "Route summary: point_count:", "RecordRoute (client streaming)")
			assert.Contains(t, out, "Got message Sixth message at point(0, 3)", "RouteChat (bidi)")
		})
	}
}
