package http2server

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// grpcGoClientPkg is grpc-go's client for the negative HTTP/2 cases, of
// the version the tests module requires.
const grpcGoClientPkg = "google.golang.org/grpc/interop/http2"

// buildTimeout bounds the go build of grpc-go's client (long only on a
// cold build cache).
const buildTimeout = 5 * time.Minute

// TestGrpcGoClient runs grpc-go's negative HTTP/2 client against this
// server, case by case, to show the server misbehaves as the reference
// client expects (and as its own verdicts accept). One assertion of
// grpc-go's client is stale: for rst_during_data it wants UNKNOWN, but its
// transport reports RST_STREAM NO_ERROR as INTERNAL (PROTOCOL-HTTP2's
// mapping), as it does for the other two rst cases; the test pins that.
func TestGrpcGoClient(t *testing.T) {
	bin := buildGrpcGoClient(t)
	for _, c := range Cases() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			srv, err := Start(c)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, runErr := exec.CommandContext(ctx, bin, "--server_host=127.0.0.1",
				"--server_port="+strconv.Itoa(srv.Port()), "--test_case="+string(c)).CombinedOutput()
			shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancelShutdown()
			report := srv.Shutdown(shutdownCtx)
			if ctx.Err() != nil {
				t.Fatalf("grpc-go's client hung: %v\n%s", ctx.Err(), out)
			}
			if c == RstDuringData {
				if runErr == nil || !strings.Contains(string(out), "Internal, want _, Unknown") {
					t.Errorf("grpc-go's client: %v, want its stale failure \"Internal, want _, Unknown\"\n%s", runErr, out)
				}
			} else if runErr != nil {
				t.Errorf("grpc-go's client: %v\n%s", runErr, out)
			}
			if err := report.Verdict(); err != nil {
				t.Errorf("server verdict on grpc-go's client: %v (%v)", err, report)
			}
		})
	}
}

func buildGrpcGoClient(t *testing.T) string {
	t.Helper()
	moduleDir, err := filepath.Abs("../..") // the tests module
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "grpc-go-http2-client")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, grpcGoClientPkg)
	cmd.Dir = moduleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", grpcGoClientPkg, err, out)
	}
	return bin
}
