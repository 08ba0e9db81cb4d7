package interop

import (
	"testing"
)

// interopCases are the test cases run in every direction, as named by
// the interop clients' --test_case.
var interopCases = []string{
	"empty_unary",
	"large_unary",
	"client_streaming",
	"server_streaming",
	"ping_pong",
	"empty_stream",
	"timeout_on_sleeping_server",
	"cancel_after_begin",
	"cancel_after_first_response",
	"status_code_and_message",
	"special_status_message",
	"custom_metadata",
	"unimplemented_method",
	"unimplemented_service",
}

// compressionCases are run actorpc against actorpc only: grpc-go's
// interop binaries do not implement them.
var compressionCases = []string{
	"client_compressed_unary",
	"server_compressed_unary",
	"client_compressed_streaming",
	"server_compressed_streaming",
}

// A direction is which implementation is the client and which the server.
type direction struct {
	name           string
	client, server string // roles, see buildBinaries
}

var directions = []direction{
	{name: "grpc-go-client_actorpc-server", client: grpcClient, server: actorpcServer},
	{name: "actorpc-client_grpc-go-server", client: actorpcClient, server: grpcServer},
}

// selfDirection runs the cases only actorpc implements.
var selfDirection = direction{name: "actorpc-client_actorpc-server", client: actorpcClient, server: actorpcServer}

// A security is how the connections are made.
type security struct {
	name string
	tls  bool
}

// securities are how the matrix connects: each is run in both
// directions. TLS uses grpc-go's test certificates (server1.pem, signed by
// ca.pem, for *.test.google.fr), as the interop descriptions ask.
var securities = []security{
	{name: "plaintext"},
	{name: "tls", tls: true},
}

// TestMatrix runs every interop case in both directions, for each
// security, each case a client process against a server process started
// once per direction and security; it logs the table of outcomes.
func TestMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the interop binaries")
	}
	bins := buildBinaries(t)
	res := newResults()
	type run struct {
		dir   direction
		cases []string
	}
	var runs []run
	for _, dir := range directions {
		runs = append(runs, run{dir, interopCases})
	}
	runs = append(runs, run{selfDirection, compressionCases})
	for _, sec := range securities {
		for _, r := range runs {
			dir := r.dir
			column := sec.name + "/" + dir.name
			t.Run(column, func(t *testing.T) {
				srv := startServer(t, bins[dir.server], sec)
				for _, testCase := range r.cases {
					t.Run(testCase, func(t *testing.T) {
						out, err := runClient(bins[dir.client], srv.port, testCase, sec)
						res.record(testCase, column, err == nil)
						if err != nil {
							t.Errorf("%s %s: %v\n%s", column, testCase, err, out)
						}
					})
				}
			})
		}
	}
	table := res.table(append(append([]string{}, interopCases...), compressionCases...))
	t.Logf("interop matrix (client_server direction, security):\n%s", table)
	writeReport(t, table)
}
