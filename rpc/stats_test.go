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
	"google.golang.org/protobuf/proto"
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
	conn    any // what TagConn attached, as the call's context has it
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
	r.evs = append(r.evs, recorded{n, ctx.Value(connKey{}), ev})
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
				if strings.Contains(all, "fail") {
					return status.Error(codes.Unavailable, "asked to fail")
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
func serveKinds(t *testing.T, opts ...rpc.ServerOption) string { return serveKindsTB(t, opts...) }

func serveKindsTB(t testing.TB, opts ...rpc.ServerOption) string {
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

func TestStatsSizesWithGzip(t *testing.T) {
	srv := newRecorder("server")
	addr := serveKinds(t, rpc.StatsHandler(srv))
	cli := newRecorder("client")
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli))
	big := strings.Repeat("a", 4000) // compresses well
	out := new(wrapperspb.StringValue)
	require.NoError(t, cc.Invoke(context.Background(), kindsUnary, wrapperspb.String(big), out, rpc.UseCompressor("gzip")))
	cli.waitEnds(t, 1)
	srv.waitEnds(t, 1)
	want := proto.Size(wrapperspb.String(big))
	check := func(length, compressed, wire int) {
		t.Helper()
		assert.Equal(t, want, length)
		assert.Less(t, compressed, length, "compressed")
		assert.Equal(t, compressed+5, wire)
	}
	var seen int
	for _, r := range []*recorder{cli, srv} {
		for _, e := range r.events() {
			switch ev := e.ev.(type) {
			case *stats.OutPayload:
				seen++
				check(ev.Length, ev.CompressedLength, ev.WireLength)
			case *stats.InPayload:
				seen++
				check(ev.Length, ev.CompressedLength, ev.WireLength)
			}
		}
	}
	assert.Equal(t, 4, seen)
	// The server answers in the encoding it was asked in.
	for _, e := range srv.events() {
		if h, ok := e.ev.(*stats.InHeader); ok {
			assert.Equal(t, "gzip", h.Compression)
		}
	}
}

func TestStatsHandlersStackInOrder(t *testing.T) {
	var mu sync.Mutex
	var order []string
	mk := func(name string) *recorder {
		r := newRecorder(name)
		r.onRPC = func(ev stats.RPCStats) {
			if _, ok := ev.(*stats.Begin); ok {
				mu.Lock()
				order = append(order, name)
				mu.Unlock()
			}
		}
		return r
	}
	s1, s2, c1, c2 := mk("s1"), mk("s2"), mk("c1"), mk("c2")
	addr := serveKinds(t, rpc.StatsHandler(s1), rpc.StatsHandler(s2))
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(c1), rpc.WithStatsHandler(c2))
	require.NoError(t, callKind(context.Background(), cc, kindsUnary))
	for _, r := range []*recorder{s1, s2, c1, c2} {
		r.waitEnds(t, 1)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"c1", "c2"}, filter(order, "c"))
	assert.Equal(t, []string{"s1", "s2"}, filter(order, "s"))
	// On the server, the calls' contexts are children of the connection's
	// (the last TagConn's value is the one seen).
	for _, e := range s1.events() {
		assert.Equal(t, "s2", e.conn, "%T", e.ev)
	}
	assert.Equal(t, []string{"*stats.ConnBegin:s2"}, s1.conn)
}

func filter(in []string, prefix string) (out []string) {
	for _, s := range in {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

func TestStatsCountAttemptsUnderRetryPolicy(t *testing.T) {
	srv := newRecorder("server")
	addr := serveKinds(t, rpc.StatsHandler(srv))
	cli := newRecorder("client")
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli), rpc.WithDefaultServiceConfig(`{"methodConfig":[{"name":[{"service":"test.Kinds"}],
		"retryPolicy":{"maxAttempts":3,"initialBackoff":"0.001s","maxBackoff":"0.001s","backoffMultiplier":1,"retryableStatusCodes":["UNAVAILABLE"]}}]}`))
	err := cc.Invoke(context.Background(), kindsUnary, wrapperspb.String("fail"), new(wrapperspb.StringValue))
	require.Equal(t, codes.Unavailable, status.Code(err))
	cli.waitEnds(t, 3)
	srv.waitEnds(t, 3)
	begins, ends := 0, 0
	attempts := map[int]bool{}
	for _, e := range cli.events() {
		attempts[e.attempt] = true
		switch ev := e.ev.(type) {
		case *stats.Begin:
			begins++
			assert.False(t, ev.IsTransparentRetryAttempt)
		case *stats.End:
			ends++
			assert.Equal(t, codes.Unavailable, status.Code(ev.Error))
		}
	}
	assert.Equal(t, 3, begins)
	assert.Equal(t, 3, ends)
	assert.Len(t, attempts, 3, "each attempt its own TagRPC")
}

// A stats handler that panics ends its call with Internal, on either
// side, and the connection and the process go on.
func TestStatsHandlerPanicEndsTheCall(t *testing.T) {
	panicky := func(name string, on string) *recorder {
		r := newRecorder(name)
		r.onRPC = func(ev stats.RPCStats) {
			if fmt.Sprintf("%T", ev) == on {
				panic("stats handler " + name)
			}
		}
		return r
	}
	for _, on := range []string{"*stats.Begin", "*stats.OutPayload", "*stats.InPayload"} {
		t.Run("client/"+on, func(t *testing.T) {
			addr := serveKinds(t)
			cc := newProbeClient(t, addr, rpc.WithStatsHandler(panicky("c", on)), rpc.WithLogger(nil))
			for _, m := range []string{kindsUnary, kindsServer, kindsClient, kindsBidi} {
				err := callKind(context.Background(), cc, m)
				assert.Equal(t, codes.Internal, status.Code(err), m)
			}
		})
	}
	t.Run("server", func(t *testing.T) {
		addr := serveKinds(t, rpc.StatsHandler(panicky("s", "*stats.InPayload")), rpc.Logger(nil))
		cc := newProbeClient(t, addr)
		for _, m := range []string{kindsUnary, kindsServer, kindsClient, kindsBidi} {
			err := callKind(context.Background(), cc, m)
			assert.Equal(t, codes.Internal, status.Code(err), m)
		}
	})
}

// A stats handler that blocks holds its own call only: the other calls on
// the same connection finish.
func TestStatsHandlerThatBlocksHoldsOnlyItsCall(t *testing.T) {
	release := make(chan struct{})
	blocked := make(chan struct{}, 1)
	srv := newRecorder("server")
	srv.onRPC = func(ev stats.RPCStats) {
		if p, ok := ev.(*stats.InPayload); ok && p.Payload.(*wrapperspb.StringValue).Value == "block" {
			blocked <- struct{}{}
			<-release
		}
	}
	addr := serveKinds(t, rpc.StatsHandler(srv))
	cc := newProbeClient(t, addr)
	done := make(chan error, 1)
	go func() {
		done <- cc.Invoke(context.Background(), kindsUnary, wrapperspb.String("block"), new(wrapperspb.StringValue))
	}()
	<-blocked
	for _, m := range []string{kindsUnary, kindsServer, kindsClient, kindsBidi} {
		require.NoError(t, callKind(context.Background(), cc, m), m)
	}
	close(release)
	require.NoError(t, <-done)
}

// ConnBegin and ConnEnd, once each per connection on both sides; Close and
// Stop return only after ConnEnd was told.
func TestStatsConnBeginAndEnd(t *testing.T) {
	srv, cli := newRecorder("server"), newRecorder("client")
	s, addr := startServer(t, rpc.StatsHandler(srv))
	cc, err := rpc.NewClient("passthrough:///"+addr, plaintext(), rpc.WithStatsHandler(cli))
	require.NoError(t, err)
	require.NoError(t, callKind(context.Background(), cc, kindsUnary))
	require.NoError(t, cc.Close())
	s.Stop()
	assert.Equal(t, []string{"*stats.ConnBegin:client", "*stats.ConnEnd:client"}, cli.conns())
	assert.Equal(t, []string{"*stats.ConnBegin:server", "*stats.ConnEnd:server"}, srv.conns())
}

func (r *recorder) conns() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.conn...)
}

func TestStatsCountHedgedAttempts(t *testing.T) {
	addr := serveKinds(t)
	cli := newRecorder("client")
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli), rpc.WithDefaultServiceConfig(`{"methodConfig":[{"name":[{"service":"test.Kinds"}],
		"hedgingPolicy":{"maxAttempts":3,"hedgingDelay":"0s","nonFatalStatusCodes":["UNAVAILABLE"]}}]}`))
	err := cc.Invoke(context.Background(), kindsUnary, wrapperspb.String("fail"), new(wrapperspb.StringValue))
	require.Equal(t, codes.Unavailable, status.Code(err))
	cli.waitEnds(t, 3)
	perAttempt := map[int][]string{}
	for _, e := range cli.events() {
		perAttempt[e.attempt] = append(perAttempt[e.attempt], strings.TrimPrefix(fmt.Sprintf("%T", e.ev), "*stats."))
	}
	require.Len(t, perAttempt, 3)
	for n, evs := range perAttempt {
		assert.Equal(t, "Begin", evs[0], "attempt %d", n)
		assert.Equal(t, "End", evs[len(evs)-1], "attempt %d", n)
	}
}

// On a client too, a handler that blocks holds its own call only.
func TestStatsClientHandlerThatBlocksHoldsOnlyItsCall(t *testing.T) {
	release := make(chan struct{})
	blocked := make(chan struct{}, 1)
	cli := newRecorder("client")
	cli.onRPC = func(ev stats.RPCStats) {
		if p, ok := ev.(*stats.OutPayload); ok && p.Payload.(*wrapperspb.StringValue).Value == "block" {
			blocked <- struct{}{}
			<-release
		}
	}
	addr := serveKinds(t)
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli))
	done := make(chan error, 1)
	go func() {
		done <- cc.Invoke(context.Background(), kindsUnary, wrapperspb.String("block"), new(wrapperspb.StringValue))
	}()
	<-blocked
	for _, m := range []string{kindsUnary, kindsServer, kindsClient, kindsBidi} {
		require.NoError(t, callKind(context.Background(), cc, m), m)
	}
	close(release)
	require.NoError(t, <-done)
}

// A stream's retry replays what the call sent: each attempt tells the
// OutPayload of every message it sent.
func TestStatsReplayedMessagesAreTold(t *testing.T) {
	addr := serveKinds(t)
	cli := newRecorder("client")
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli), rpc.WithDefaultServiceConfig(`{"methodConfig":[{"name":[{"service":"test.Kinds"}],
		"retryPolicy":{"maxAttempts":3,"initialBackoff":"0.001s","maxBackoff":"0.001s","backoffMultiplier":1,"retryableStatusCodes":["UNAVAILABLE"]}}]}`))
	s, err := cc.NewStream(context.Background(), &rpc.StreamDesc{ClientStreams: true}, kindsClient)
	require.NoError(t, err)
	require.NoError(t, s.SendMsg(wrapperspb.String("fail")))
	require.NoError(t, s.SendMsg(wrapperspb.String("again")))
	require.NoError(t, s.CloseSend())
	require.Equal(t, codes.Unavailable, status.Code(s.RecvMsg(new(wrapperspb.StringValue))))
	cli.waitEnds(t, 3)
	sent := map[int][]string{}
	for _, e := range cli.events() {
		if p, ok := e.ev.(*stats.OutPayload); ok {
			sent[e.attempt] = append(sent[e.attempt], p.Payload.(*wrapperspb.StringValue).Value)
			assert.Equal(t, p.CompressedLength+5, p.WireLength)
		}
	}
	assert.Equal(t, map[int][]string{1: {"fail", "again"}, 2: {"fail", "again"}, 3: {"fail", "again"}}, sent)
}

// A hedged stream: each hedge has its Begin and End; the call reads the
// one picked, and the other's End tells it lost.
func TestStatsHedgedStream(t *testing.T) {
	addr := serveKinds(t)
	cli := newRecorder("client")
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli), rpc.WithDefaultServiceConfig(`{"methodConfig":[{"name":[{"service":"test.Kinds"}],
		"hedgingPolicy":{"maxAttempts":2,"hedgingDelay":"0s","nonFatalStatusCodes":["UNAVAILABLE"]}}]}`))
	for range 5 { // hedges race: several rounds see different orders
		require.NoError(t, callKind(context.Background(), cc, kindsBidi))
	}
	require.NoError(t, cc.Close()) // every attempt has ended
	begins, ends := map[int]bool{}, map[int]error{}
	for _, e := range cli.events() {
		switch ev := e.ev.(type) {
		case *stats.Begin:
			begins[e.attempt] = true
		case *stats.End:
			_, dup := ends[e.attempt]
			assert.False(t, dup, "attempt %d ended twice", e.attempt)
			ends[e.attempt] = ev.Error
		}
	}
	assert.Greater(t, len(begins), 5, "the calls hedged")
	assert.Equal(t, len(begins), len(ends), "every attempt that began ended")
	ok := 0
	for _, err := range ends {
		if err == nil {
			ok++
		}
	}
	assert.Equal(t, 5, ok, "one attempt of each call succeeded")
}

// A call that gets no connection still has its attempt's Begin and End,
// as in grpc-go, which begins an attempt before its pick.
func TestStatsAttemptWithoutConnection(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	lis.Close() // nothing listens there now
	cli := newRecorder("client")
	cc := newProbeClient(t, addr, rpc.WithStatsHandler(cli))
	for _, m := range []string{kindsUnary, kindsBidi} {
		err := callKind(context.Background(), cc, m)
		require.Equal(t, codes.Unavailable, status.Code(err), m)
	}
	cli.waitEnds(t, 2)
	assert.Equal(t, []string{"Begin", "End", "Begin", "End"}, cli.names())
	for _, e := range cli.events() {
		if end, ok := e.ev.(*stats.End); ok {
			assert.Equal(t, codes.Unavailable, status.Code(end.Error))
		}
	}
}
