package rpc_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	_ "github.com/actorpc/actorpc/rpc/encoding/gzip"
	"github.com/actorpc/actorpc/rpc/stats"
	"github.com/actorpc/actorpc/rpc/status"
)

// recorder is a stats.Handler that writes down every event, with the
// attempt (TagRPC's count) it came in.
type recorder struct {
	name string
	mu   sync.Mutex
	tags int
	evs  []recorded
	conn []string
	ends chan struct{} // one per End
	// onRPC, when set, runs in HandleRPC (a handler that blocks or panics).
	onRPC func(stats.RPCStats)
}

type recorded struct {
	attempt int
	ev      stats.RPCStats
}

type attemptKey struct{}
type connKey struct{}

func newRecorder(name string) *recorder { return &recorder{name: name, ends: make(chan struct{}, 100)} }

func (r *recorder) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tags++
	return context.WithValue(ctx, attemptKey{}, r.tags)
}

func (r *recorder) HandleRPC(ctx context.Context, ev stats.RPCStats) {
	if r.onRPC != nil {
		r.onRPC(ev)
	}
	r.mu.Lock()
	n, _ := ctx.Value(attemptKey{}).(int)
	r.evs = append(r.evs, recorded{n, ev})
	r.mu.Unlock()
	if _, ok := ev.(*stats.End); ok {
		r.ends <- struct{}{}
	}
}

func (r *recorder) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return context.WithValue(ctx, connKey{}, r.name)
}

func (r *recorder) HandleConn(ctx context.Context, ev stats.ConnStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conn = append(r.conn, fmt.Sprintf("%T:%v", ev, ctx.Value(connKey{})))
}

// waitEnds waits for n End events.
func (r *recorder) waitEnds(t *testing.T, n int) {
	t.Helper()
	for range n {
		<-r.ends
	}
}

// names is the events' kinds, in order ("Begin", "OutHeader"...).
func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.evs {
		out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", e.ev), "*stats."))
	}
	return out
}

func (r *recorder) events() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.evs...)
}

// The four kinds of call, on a service of their own.
const (
	kindsUnary  = "/test.Kinds/Unary"
	kindsServer = "/test.Kinds/ServerStream"
	kindsClient = "/test.Kinds/ClientStream"
	kindsBidi   = "/test.Kinds/Bidi"
)

type kinds struct{}

type kindser interface{}

func kindsDesc() *rpc.ServiceDesc {
	return &rpc.ServiceDesc{
		ServiceName: "test.Kinds",
		HandlerType: (*kindser)(nil),
		Methods: []rpc.MethodDesc{{MethodName: "Unary", Handler: func(_ any, ctx context.Context, dec func(any) error, _ rpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			if in.Value == "fail" {
				return nil, status.Error(codes.Unavailable, "asked to fail")
			}
			return in, nil
		}}},
		Streams: []rpc.StreamDesc{
			{StreamName: "ServerStream", ServerStreams: true, Handler: func(_ any, s rpc.ServerStream) error {
				in := new(wrapperspb.StringValue)
				if err := s.RecvMsg(in); err != nil {
					return err
				}
				for range 2 {
					if err := s.SendMsg(in); err != nil {
						return err
					}
				}
				return nil
			}},
			{StreamName: "ClientStream", ClientStreams: true, Handler: func(_ any, s rpc.ServerStream) error {
				var all string
				for {
					in := new(wrapperspb.StringValue)
					if err := s.RecvMsg(in); err == io.EOF {
						break
					} else if err != nil {
						return err
					}
					all += in.Value
				}
				return s.SendMsg(wrapperspb.String(all))
			}},
			{StreamName: "Bidi", ServerStreams: true, ClientStreams: true, Handler: func(_ any, s rpc.ServerStream) error {
				return echoBidi(s)
			}},
		},
	}
}

// serveKinds serves the Kinds service; the address.
func serveKinds(t *testing.T, opts ...rpc.ServerOption) string {
	t.Helper()
	s := rpc.NewServer(opts...)
	s.RegisterService(kindsDesc(), kinds{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		if err := <-served; err != nil {
			require.ErrorIs(t, err, rpc.ErrServerStopped)
		}
	})
	return lis.Addr().String()
}

// callKind makes one call of the kind named, sending two messages where
// the client streams, and reading every answer.
func callKind(ctx context.Context, cc *rpc.ClientConn, method string, opts ...rpc.CallOption) error {
	if method == kindsUnary {
		return cc.Invoke(ctx, method, wrapperspb.String("hi"), new(wrapperspb.StringValue), opts...)
	}
	desc := &rpc.StreamDesc{ServerStreams: method != kindsClient, ClientStreams: method != kindsServer}
	s, err := cc.NewStream(ctx, desc, method, opts...)
	if err != nil {
		return err
	}
	sends := 1
	if desc.ClientStreams {
		sends = 2
	}
	for range sends {
		if err := s.SendMsg(wrapperspb.String("hi")); err != nil {
			return err
		}
		if method == kindsBidi {
			if err := s.RecvMsg(new(wrapperspb.StringValue)); err != nil {
				return err
			}
		}
	}
	s.CloseSend()
	for {
		if err := s.RecvMsg(new(wrapperspb.StringValue)); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func TestStatsEventsOfEveryKindOfCall(t *testing.T) {
	want := map[string]struct{ client, server []string }{
		kindsUnary: {
			client: []string{"Begin", "OutHeader", "OutPayload", "InHeader", "InPayload", "InTrailer", "End"},
			server: []string{"InHeader", "Begin", "InPayload", "OutHeader", "OutPayload", "OutTrailer", "End"},
		},
		kindsServer: {
			client: []string{"Begin", "OutHeader", "OutPayload", "InHeader", "InPayload", "InPayload", "InTrailer", "End"},
			server: []string{"InHeader", "Begin", "InPayload", "OutHeader", "OutPayload", "OutPayload", "OutTrailer", "End"},
		},
		kindsClient: {
			client: []string{"Begin", "OutHeader", "OutPayload", "OutPayload", "InHeader", "InPayload", "InTrailer", "End"},
			server: []string{"InHeader", "Begin", "InPayload", "InPayload", "OutHeader", "OutPayload", "OutTrailer", "End"},
		},
		kindsBidi: {
			client: []string{"Begin", "OutHeader", "OutPayload", "InHeader", "InPayload", "OutPayload", "InPayload", "InTrailer", "End"},
			server: []string{"InHeader", "Begin", "InPayload", "OutHeader", "OutPayload", "InPayload", "OutPayload", "OutTrailer", "End"},
		},
	}
	for method, w := range want {
		t.Run(method[len("/test.Kinds/"):], func(t *testing.T) {
			srv := newRecorder("server")
			addr := serveKinds(t, rpc.StatsHandler(srv))
			cli := newRecorder("client")
			cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli))
			require.NoError(t, callKind(context.Background(), cc, method))
			cli.waitEnds(t, 1)
			srv.waitEnds(t, 1)
			assert.Equal(t, w.client, cli.names(), "client")
			assert.Equal(t, w.server, srv.names(), "server")
			for _, e := range cli.events() {
				assert.True(t, e.ev.IsClient(), "%T", e.ev)
				assert.Equal(t, 1, e.attempt, "%T", e.ev)
			}
			for _, e := range srv.events() {
				assert.False(t, e.ev.IsClient(), "%T", e.ev)
				switch ev := e.ev.(type) {
				case *stats.InHeader:
					assert.Equal(t, method, ev.FullMethod)
					assert.NotNil(t, ev.RemoteAddr)
					assert.NotNil(t, ev.LocalAddr)
				case *stats.End:
					assert.NoError(t, ev.Error)
					assert.False(t, ev.EndTime.Before(ev.BeginTime))
				}
			}
		})
	}
}
