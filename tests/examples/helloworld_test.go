package examples

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHelloworld runs every greeter server against every greeter client
// that speaks its security: actorpc's example, grpc-go's example ported by
// changing imports, and grpc-go's own.
func TestHelloworld(t *testing.T) {
	cases := []struct {
		server, client string
		tls            bool
	}{
		{"ours-greeter-server", "grpc-greeter-client", false},
		{"ported-greeter-server", "grpc-greeter-client", false},
		{"grpc-greeter-server", "ours-greeter-client", false},
		{"grpc-greeter-server", "ported-greeter-client", false},
		{"ours-greeter-server", "ours-greeter-client", false},
		{"ours-greeter-server", "ours-greeter-client", true},
	}
	for _, c := range cases {
		name := c.server + "/" + c.client
		if c.tls {
			name += "/tls"
		}
		t.Run(name, func(t *testing.T) {
			var serverArgs, clientArgs []string
			if c.tls {
				serverArgs, clientArgs = []string{"-tls"}, []string{"-tls"}
			}
			port := startServer(t, c.server, serverArgs...)
			out := runClient(t, c.client, append(clientArgs, fmt.Sprintf("-addr=localhost:%d", port), "-name=ada")...)
			assert.Contains(t, out, "Greeting: Hello ada")
		})
	}
}
