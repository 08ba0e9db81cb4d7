package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// pickedSignal is per-RPC credentials that say, for each attempt, that it
// has been given its connection: the client asks them after the pick and
// before the stream is opened.
type pickedSignal chan string

func (p pickedSignal) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	md, _ := metadata.FromOutgoingContext(ctx)
	for _, id := range md.Get(idHeader) {
		select {
		case p <- id:
		default: // a retried attempt: the test no longer listens
		}
	}
	return nil, nil
}

func (pickedSignal) RequireTransportSecurity() bool { return false }

// TestQueuedCallsOnDroppedConnRetried: the server takes one stream at a
// time (MaxConcurrentStreams 1) and a bidi stream holds it; calls of all
// four kinds are then picked onto that connection, where they wait to
// open, so the client has written none of their bytes. The proxy drops
// the connection (FIN, or RST). The client knows those calls were never
// sent, so every one of them must succeed (with no retry policy: by the
// transparent retry alone), seen by the server exactly once, on the next
// connection; the holder, which the server did see, ends Unavailable.
func TestQueuedCallsOnDroppedConnRetried(t *testing.T) {
	for _, reset := range []bool{false, true} {
		t.Run(map[bool]string{false: "Close", true: "Reset"}[reset], func(t *testing.T) {
			e, backend := serveCounting(t, rpc.MaxConcurrentStreams(1))
			p := startProxy(t, backend, func(int) plan { return plan{} })
			picked := make(pickedSignal, 64)
			cc, err := rpc.NewClient("passthrough:///"+p.addr(), rpc.WithTransportCredentials(insecure.NewCredentials()), rpc.WithPerRPCCredentials(picked))
			if err != nil {
				t.Fatal(err)
			}
			client := echopb.NewEchoClient(cc)

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			holder, err := client.BidirectionalStreamingEcho(metadata.AppendToOutgoingContext(ctx, idHeader, "holder"))
			if err != nil {
				t.Fatal(err)
			}
			if err := holder.Send(&echopb.EchoRequest{Message: "hold"}); err != nil {
				t.Fatal(err)
			}
			if _, err := holder.Recv(); err != nil {
				t.Fatalf("the holder's echo: %v", err)
			}
			<-picked // the holder's own attempt

			const n = 8
			results := make([]callResult, n)
			var wg sync.WaitGroup
			for i := range n {
				spec := newCall(rand.New(rand.NewPCG(2, uint64(i))), fmt.Sprintf("q%d", i), callKind(i%int(numKinds)))
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = watch(t, client, spec, 5*time.Second)
				}()
			}
			for range n {
				<-picked
			}
			p.dropAll(reset)
			wg.Wait()
			_, holderErr := holder.Recv()
			cc.Close()
			p.close()

			if code := codeOf(holderErr); code != codes.Unavailable {
				t.Errorf("the holder, seen by the server, ended %v when its connection was dropped, want Unavailable", holderErr)
			}
			for _, r := range results {
				attempts := p.obs.of(r.spec.id)
				if r.err != nil || r.wrong != "" || e.count(r.spec.id) != 1 {
					t.Errorf("%v call %s, queued on a connection that was then dropped, ended %v (wrong: %q), seen %d times, attempts %+v; want OK, seen once",
						r.spec.kind, r.spec.id, r.err, r.wrong, e.count(r.spec.id), attempts)
				}
				for _, a := range attempts {
					if a.conn == 0 {
						t.Errorf("%v call %s was sent on the first connection (%+v) while the holder filled it: the test's premise broke", r.spec.kind, r.spec.id, a)
					}
				}
			}
		})
	}
}

func codeOf(err error) codes.Code { return callResult{err: err}.code() }
