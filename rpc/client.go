package rpc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/internal/live"
	_ "github.com/actorpc/actorpc/rpc/balancer/pickfirst"  // the default policy
	_ "github.com/actorpc/actorpc/rpc/balancer/roundrobin" // registered for service configs
	"github.com/actorpc/actorpc/rpc/resolver"
	_ "github.com/actorpc/actorpc/rpc/resolver/dns" // the default scheme
)

// ClientConnInterface is what generated client stubs need.
type ClientConnInterface interface {
	Invoke(ctx context.Context, method string, args, reply any, opts ...CallOption) error
	NewStream(ctx context.Context, desc *StreamDesc, method string, opts ...CallOption) (ClientStream, error)
}

// errNoTransportSecurity is NewClient's error when no transport credentials
// were given: as with grpc-go, plaintext is never the silent default.
var errNoTransportSecurity = errors.New("rpc: no transport security set (use rpc.WithTransportCredentials(insecure.NewCredentials()) explicitly or set credentials)")

// ErrClientConnClosing is the cause of calls made on a closed ClientConn.
var ErrClientConnClosing = errors.New("rpc: the client connection is closing")

// ClientConn is a client channel to one target: a name that its resolver
// turns into backends, which its balancer spreads calls over, each reached
// through a subchannel that reconnects with backoff. The channel actor owns
// all of it; see channel_actor.go.
type ClientConn struct {
	target    string
	canonical string // target with the scheme it resolves with: CanonicalTarget
	authority string
	opts      dialOptions

	// inbox is the channel actor's: picks, retries, GetState,
	// WaitForStateChange, Connect, a blocking Dial. The caller's context
	// bounds the wait; the channel never waits on a caller.
	// from: caller to channel actor; blocks
	inbox chan channelMessage
	ref   *actors.Ref
}

var _ ClientConnInterface = (*ClientConn)(nil)

// NewClient makes a client for target, named as gRPC's naming spec says:
// "host:port" or "dns:///host:port" (resolved by DNS), "dns://server/host:port",
// "passthrough:///addr", "unix:path" or "unix:///abs/path",
// "static:///addr1,addr2", or a scheme of a resolver registered with
// package resolver or given with WithResolvers. It does not dial: the first
// call (or Connect) does.
//
// Transport credentials are required: WithTransportCredentials with TLS
// credentials, or with insecure.NewCredentials() for plaintext.
func NewClient(target string, opts ...DialOption) (*ClientConn, error) {
	return newClient(target, resolver.DefaultScheme, opts)
}

// newClient is NewClient with the scheme a target without a known one is
// taken to have: dns for NewClient, passthrough for Dial (as in grpc-go).
func newClient(target, defaultScheme string, opts []DialOption) (*ClientConn, error) {
	o := defaultDialOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if o.err != nil {
		return nil, o.err
	}
	if o.creds == nil {
		return nil, errNoTransportSecurity
	}
	if err := o.checkPerRPCCreds(); err != nil {
		return nil, err
	}
	o.unaryInt = chainUnaryClient(o.unaryInt, o.chainUnaryInts)
	o.streamInt = chainStreamClient(o.streamInt, o.chainStreamInts)
	builders := make(map[string]resolver.Builder, len(o.resolvers))
	for _, b := range o.resolvers {
		builders[strings.ToLower(b.Scheme())] = b
	}
	builderFor := func(scheme string) resolver.Builder {
		if b, ok := builders[strings.ToLower(scheme)]; ok {
			return b
		}
		return resolver.Get(scheme)
	}
	t, err := parseTarget(target, defaultScheme, func(scheme string) bool { return builderFor(scheme) != nil })
	if err != nil {
		return nil, fmt.Errorf("rpc: target %q: %w", target, err)
	}
	b := builderFor(t.Scheme)
	if b == nil {
		return nil, fmt.Errorf("rpc: target %q: no resolver for scheme %q", target, t.Scheme)
	}
	// The inbox takes a burst of picks; a larger one did no better with 64
	// calls in flight and cost every channel its size in idle memory.
	cc := &ClientConn{target: target, canonical: t.URL.String(), authority: o.authority, opts: o, inbox: make(chan channelMessage, 16)}
	if cc.authority == "" {
		cc.authority = defaultAuthority(t)
	}
	a := &channelActor{cc: cc, target: t, builder: b, counts: actors.StartCounts()}
	probe := make(chan chan<- actors.Report)
	a.probe = probe
	live.Add(cc) // channelz lists it until its actor ends (internal/live)
	cc.ref = actors.Spawn(context.Background(), "channel/"+target, a.run,
		actors.WithMailbox(func() (int, int) { return len(cc.inbox), cap(cc.inbox) }),
		actors.WithProbe(probe), actors.OnExit(func(string, error) { live.Remove(cc) }))
	return cc, nil
}

// defaultAuthority is the :authority of calls when WithAuthority is not
// given: the endpoint for host names, "localhost" for unix sockets and for
// endpoints that are not one host (a static list).
func defaultAuthority(t resolver.Target) string {
	if t.Scheme == "unix" || t.Endpoint == "" || strings.ContainsAny(t.Endpoint, ",/") {
		return "localhost"
	}
	return t.Endpoint
}

// Target is the target the client was made with.
func (cc *ClientConn) Target() string { return cc.target }

// CanonicalTarget is the target with the scheme it resolves with, as
// parsed: "dns:///host:port" for "host:port" made with NewClient,
// "passthrough:///host:port" with Dial. Metrics label calls with it
// (gRFC A66's grpc.target).
func (cc *ClientConn) CanonicalTarget() string { return cc.canonical }

// Close ends the client: its resolver, balancer, subchannels and
// connections end, and calls in flight end with Canceled. It waits for all
// of the channel's goroutines to end.
func (cc *ClientConn) Close() error {
	cc.ref.Stop()
	<-cc.ref.Done()
	return nil
}

// Inspect describes the channel actor while it runs (its state, its
// balancer, its subchannels, the calls waiting for a pick) and, nested in
// Children, every actor below it: its resolver's actor, its subchannels,
// their connections (each with its reader, writer and streaming calls'
// actors) and health watches. The ClientConn is a root: nothing of it
// runs outside this tree. actors.Flatten lists it with depths.
func (cc *ClientConn) Inspect(ctx context.Context) actors.Info { return cc.ref.Inspect(ctx) }

// scheme is the :scheme of the client's requests.
func (cc *ClientConn) scheme() string {
	if cc.opts.creds.Info().SecurityProtocol == "tls" {
		return "https"
	}
	return "http"
}
