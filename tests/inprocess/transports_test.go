package inprocess

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// randomText is n letters that do not repeat in any short period, so
// that a frame's bytes delivered out of place, or a buffer reused before
// it was written, shows.
func randomText(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(rng.IntN(26))
	}
	return string(b)
}

// TestLargeMessagesOverEachTransport: large messages, several in flight
// at once, arrive byte-exact over a unix socket and plain TCP (where the
// writer lends their payloads to writev) and over TLS (where it copies
// them), each way.
func TestLargeMessagesOverEachTransport(t *testing.T) {
	pki, err := stacks.TestPKI()
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		network string
		server  []rpc.ServerOption
		client  rpc.DialOption
	}{
		{"unix", "unix", nil, rpc.WithTransportCredentials(insecure.NewCredentials())},
		{"tcp", "tcp", nil, rpc.WithTransportCredentials(insecure.NewCredentials())},
		{"tls", "tcp", []rpc.ServerOption{rpc.Creds(credentials.NewServerTLSFromCert(&pki.Cert))},
			rpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pki.Pool, ""))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if tc.network == "unix" {
				addr = filepath.Join(t.TempDir(), "echo.sock")
			}
			lis, err := net.Listen(tc.network, addr)
			require.NoError(t, err)
			s := rpc.NewServer(tc.server...)
			echoserver.Register(s)
			served := make(chan error, 1)
			go func() { served <- s.Serve(lis) }()
			target := lis.Addr().String()
			if tc.network == "unix" {
				target = "unix://" + target
			}
			cc, err := rpc.NewClient(target, tc.client)
			require.NoError(t, err)
			defer func() {
				cc.Close()
				s.Stop()
				require.NoError(t, <-served)
			}()
			client := echopb.NewEchoClient(cc)
			ctx := testContext(t)

			const calls = 4
			errs := make(chan error, calls)
			for i := range calls {
				go func() {
					errs <- func() error {
						for j := range 3 {
							want := randomText(uint64(i*10+j), 1<<20+i*4099+j)
							resp, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: want})
							if err != nil {
								return err
							}
							if resp.Message != want {
								return fmt.Errorf("call %d.%d: the echo of %d bytes came back different (%d bytes)", i, j, len(want), len(resp.Message))
							}
						}
						return nil
					}()
				}()
			}
			for range calls {
				require.NoError(t, <-errs)
			}

			stream, err := client.BidirectionalStreamingEcho(ctx)
			require.NoError(t, err)
			for j := range 3 {
				want := randomText(uint64(100+j), 300<<10+j)
				require.NoError(t, stream.Send(&echopb.EchoRequest{Message: want}))
				got, err := stream.Recv()
				require.NoError(t, err)
				require.True(t, got.Message == want, "stream message %d came back different", j)
			}
			require.NoError(t, stream.CloseSend())
			_, err = stream.Recv()
			require.ErrorIs(t, err, io.EOF)
		})
	}
}
