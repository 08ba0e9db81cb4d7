package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/keepalive"
	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/serviceconfig"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/encoding"
	protocodec "github.com/actorpc/actorpc/rpc/encoding/proto"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/peer"
	"github.com/actorpc/actorpc/rpc/status"
)

const (
	defaultMaxRecvMsgSize = 4 << 20
	defaultMaxSendMsgSize = 1<<31 - 1
	defaultUserAgent      = "actorpc-go/0.1"
)

// ServerOption configures a Server.
type ServerOption func(*serverOptions)

type serverOptions struct {
	maxRecvMsgSize       int
	maxSendMsgSize       int
	maxConcurrentStreams uint32
	// The interceptors of UnaryInterceptor and StreamInterceptor; NewServer
	// folds the chained ones in after them.
	unaryInterceptor     UnaryServerInterceptor
	streamInterceptor    StreamServerInterceptor
	chainUnaryInts       []UnaryServerInterceptor
	chainStreamInts      []StreamServerInterceptor
	unknownStreamHandler StreamHandler
	// What the server's connections let a client send (options_transport.go);
	// zero: connactor's defaults.
	streamWindow, connWindow, maxHeaderListSize uint32
	codec                                       encoding.Codec
	creds                                       credentials.TransportCredentials
	handshakeTimeout                            time.Duration
	keepalive                                   keepalive.ServerParameters // options_keepalive.go
	pingPolicy                                  keepalive.EnforcementPolicy
	// What one connection may hold for its peer (options_budget.go); zero:
	// connactor's defaults.
	memoryBudget                   int64
	stallTimeout, connStallTimeout time.Duration
	crashOnHandlerPanic            bool          // handler_panic.go
	stats                          statsHandlers // stats_handlers.go
	logger                         *slog.Logger  // log.go; nil until NewServer sets the default
}

func defaultServerOptions() serverOptions {
	return serverOptions{
		maxRecvMsgSize:   defaultMaxRecvMsgSize,
		maxSendMsgSize:   defaultMaxSendMsgSize,
		codec:            protocodec.Codec(),
		creds:            insecure.NewCredentials(),
		handshakeTimeout: 20 * time.Second,
		logger:           defaultLogger(),
	}
}

// Creds secures the server's connections, e.g. with
// credentials.NewServerTLSFromFile. Without it the server speaks plaintext
// HTTP/2 (h2c with prior knowledge).
func Creds(c credentials.TransportCredentials) ServerOption {
	return func(o *serverOptions) { o.creds = c }
}

// ConnectionTimeout bounds the TLS and HTTP/2 handshakes of each new
// connection (default 20 s).
func ConnectionTimeout(d time.Duration) ServerOption {
	return func(o *serverOptions) { o.handshakeTimeout = d }
}

// MaxRecvMsgSize is the largest request message the server accepts
// (default 4 MiB); a larger one ends the call with ResourceExhausted.
func MaxRecvMsgSize(n int) ServerOption { return func(o *serverOptions) { o.maxRecvMsgSize = n } }

// MaxSendMsgSize is the largest response message the server sends.
func MaxSendMsgSize(n int) ServerOption { return func(o *serverOptions) { o.maxSendMsgSize = n } }

// MaxConcurrentStreams is how many calls a client may have open on one
// connection (default 1000); more are refused with REFUSED_STREAM.
func MaxConcurrentStreams(n uint32) ServerOption {
	return func(o *serverOptions) { o.maxConcurrentStreams = n }
}

// UnaryInterceptor wraps every unary call of the server. With
// ChainUnaryInterceptor too, it is the outermost one.
func UnaryInterceptor(i UnaryServerInterceptor) ServerOption {
	return func(o *serverOptions) { o.unaryInterceptor = i }
}

// StreamInterceptor wraps every streaming call of the server. With
// ChainStreamInterceptor too, it is the outermost one.
func StreamInterceptor(i StreamServerInterceptor) ServerOption {
	return func(o *serverOptions) { o.streamInterceptor = i }
}

// UnknownServiceHandler serves every call to a method no registered
// service has, as a bidirectional stream (whatever the client thinks it
// is), instead of answering Unimplemented. The stream interceptor wraps it;
// the handler's srv is nil and MethodFromServerStream names the
// method. A proxy is built on it.
func UnknownServiceHandler(streamHandler StreamHandler) ServerOption {
	return func(o *serverOptions) { o.unknownStreamHandler = streamHandler }
}

// DialOption configures a ClientConn.
type DialOption func(*dialOptions)

type dialOptions struct {
	userAgent   string
	authority   string
	dialer      func(ctx context.Context, addr resolver.Address) (net.Conn, error)
	callOptions []CallOption
	// The interceptors of WithUnaryInterceptor and WithStreamInterceptor;
	// newClient folds the chained ones in after them.
	unaryInt        UnaryClientInterceptor
	streamInt       StreamClientInterceptor
	chainUnaryInts  []UnaryClientInterceptor
	chainStreamInts []StreamClientInterceptor
	connectParams   ConnectParams
	creds           credentials.TransportCredentials
	perRPCCreds     []credentials.PerRPCCredentials
	keepalive       keepalive.ClientParameters
	resolvers       []resolver.Builder
	// defaultServiceConfig is used when the resolver gives none (or when
	// disableServiceConfig makes the channel ignore the resolver's).
	defaultServiceConfig *serviceconfig.Config
	disableServiceConfig bool
	disableRetry         bool
	retryBufferSize      int   // per call
	channelRetryBuffer   int   // all calls of the channel together
	err                  error // an option that could not be applied
	// DialContext's: wait for READY, and what to return when that fails
	block                  bool
	returnLastError        bool
	failOnNonTempDialError bool
	dialTimeout            time.Duration
	// What the client's connections let a server send
	// (options_transport.go); zero: connactor's defaults.
	streamWindow, connWindow, maxHeaderListSize uint32
	disableHealthCheck                          bool
	stats                                       statsHandlers // stats_handlers.go
	logger                                      *slog.Logger  // log.go; nil until newClient sets the default
}

func defaultDialOptions() dialOptions {
	return dialOptions{
		userAgent:          defaultUserAgent,
		connectParams:      ConnectParams{Backoff: backoff.DefaultConfig, MinConnectTimeout: 20 * time.Second},
		dialer:             dialNetwork,
		retryBufferSize:    256 << 10,
		channelRetryBuffer: 16 << 20,
		logger:             defaultLogger(),
	}
}

// dialNetwork is the default dialer: TCP, or a unix socket for unix
// addresses.
func dialNetwork(ctx context.Context, addr resolver.Address) (net.Conn, error) {
	network := "tcp"
	if addr.Network == "unix" {
		network = "unix"
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr.Addr)
}

// ConnectParams is how subchannels connect: the backoff between failed
// attempts and the least time one attempt is given.
type ConnectParams struct {
	Backoff           backoff.Config
	MinConnectTimeout time.Duration
}

// WithConnectParams replaces the connection backoff (default: gRPC's
// connection-backoff spec, 1 s growing by 1.6 to 120 s with 20% jitter, and
// a 20 s minimum connect timeout).
func WithConnectParams(p ConnectParams) DialOption {
	return func(o *dialOptions) { o.connectParams = p }
}

// WithKeepaliveParams makes the client ping silent connections and close
// those whose peer does not answer (see package keepalive).
func WithKeepaliveParams(p keepalive.ClientParameters) DialOption {
	return func(o *dialOptions) {
		if p.Timeout == 0 {
			p.Timeout = 20 * time.Second
		}
		o.keepalive = p
	}
}

// WithResolvers makes these resolver builders known to this client only;
// they win over the registered ones of the same scheme.
func WithResolvers(b ...resolver.Builder) DialOption {
	return func(o *dialOptions) { o.resolvers = append(o.resolvers, b...) }
}

// WithDefaultServiceConfig is the service config (JSON) used when the
// resolver provides none, e.g. `{"loadBalancingConfig":[{"round_robin":{}}]}`.
// An invalid config makes NewClient fail.
func WithDefaultServiceConfig(js string) DialOption {
	return func(o *dialOptions) {
		cfg, err := serviceconfig.Parse(js)
		if err != nil {
			o.err = fmt.Errorf("rpc: WithDefaultServiceConfig: %w", err)
			return
		}
		o.defaultServiceConfig = cfg
	}
}

// WithDisableServiceConfig ignores the service configs resolvers provide;
// the default one (WithDefaultServiceConfig) applies.
func WithDisableServiceConfig() DialOption {
	return func(o *dialOptions) { o.disableServiceConfig = true }
}

// WithDisableRetry turns retry and hedging policies off; transparent
// retries of calls the server never processed still happen.
func WithDisableRetry() DialOption { return func(o *dialOptions) { o.disableRetry = true } }

// WithRetryBufferSize bounds what a call keeps of its request messages to
// replay them on a retry (default 256 KiB); a call that sends more
// commits to its current attempt.
func WithRetryBufferSize(perCall int) DialOption {
	return func(o *dialOptions) { o.retryBufferSize = perCall }
}

// WithUserAgent prepends ua to the user-agent the client sends.
func WithUserAgent(ua string) DialOption {
	return func(o *dialOptions) { o.userAgent = ua + " " + defaultUserAgent }
}

// WithTransportCredentials secures the client's connections, e.g. with
// credentials.NewClientTLSFromFile; a server that cannot do TLS with ALPN
// h2 fails the connection: there is no fallback to plaintext. Every client
// needs it, as with grpc-go: plaintext HTTP/2 is asked for explicitly with
// insecure.NewCredentials().
func WithTransportCredentials(c credentials.TransportCredentials) DialOption {
	return func(o *dialOptions) { o.creds = c }
}

// WithInsecure makes the client speak plaintext HTTP/2.
//
// Deprecated: use WithTransportCredentials(insecure.NewCredentials()), as
// grpc-go says too. It is kept so that code written for grpc-go ports.
func WithInsecure() DialOption {
	return func(o *dialOptions) { o.creds = insecure.NewCredentials() }
}

// WithAuthority sets the :authority of every call (default: the target).
func WithAuthority(a string) DialOption { return func(o *dialOptions) { o.authority = a } }

// WithContextDialer replaces how the client opens its connections; addr
// is a backend's address as its resolver gave it ("host:port", or a
// socket path for unix targets).
func WithContextDialer(d func(ctx context.Context, addr string) (net.Conn, error)) DialOption {
	return func(o *dialOptions) {
		o.dialer = func(ctx context.Context, addr resolver.Address) (net.Conn, error) { return d(ctx, addr.Addr) }
	}
}

// WithDefaultCallOptions applies opts to every call of the client.
func WithDefaultCallOptions(opts ...CallOption) DialOption {
	return func(o *dialOptions) { o.callOptions = append(o.callOptions, opts...) }
}

// CallOption configures one call.
type CallOption func(*callInfo)

type callInfo struct {
	maxRecvMsgSize int
	maxSendMsgSize int
	header         *metadata.MD
	trailer        *metadata.MD
	codec          encoding.Codec
	compressor     string
	waitForReady   *bool
	staticMethod   bool                          // the method name is a generated constant (StaticMethod)
	peer           *peer.Peer                    // the Peer option's: filled with the server's
	creds          credentials.PerRPCCredentials // the PerRPCCredentials option's
	// set when the caller chose a limit, so that the service config's
	// only lowers it
	recvLimitSet, sendLimitSet bool
}

// WaitForReady makes a call wait, instead of failing with Unavailable, while
// the channel has no backend ready (until the call's deadline). It wins over
// the service config's waitForReady.
func WaitForReady(wait bool) CallOption { return func(c *callInfo) { c.waitForReady = &wait } }

// StaticMethod tells that the call's method name is a constant of
// generated code, not a name taken from a request (generated stubs pass
// it); telemetry may then use the name as a label without bounding its
// cardinality.
func StaticMethod() CallOption { return func(c *callInfo) { c.staticMethod = true } }

// Header stores the response header metadata of a unary call in md.
func Header(md *metadata.MD) CallOption { return func(c *callInfo) { c.header = md } }

// Trailer stores the trailer metadata of a unary call in md.
func Trailer(md *metadata.MD) CallOption { return func(c *callInfo) { c.trailer = md } }

// MaxCallRecvMsgSize is the largest response message the call accepts
// (default 4 MiB); a larger one ends the call with ResourceExhausted.
func MaxCallRecvMsgSize(n int) CallOption {
	return func(c *callInfo) { c.maxRecvMsgSize, c.recvLimitSet = n, true }
}

// MaxCallSendMsgSize is the largest request message the call sends.
func MaxCallSendMsgSize(n int) CallOption {
	return func(c *callInfo) { c.maxSendMsgSize, c.sendLimitSet = n, true }
}

// ForceCodec makes the call use codec instead of the protobuf codec. A
// panic in codec ends the call with Internal (codec_guard.go).
func ForceCodec(codec encoding.Codec) CallOption {
	guarded := guardCodec(codec)
	return func(c *callInfo) { c.codec = guarded }
}

// sendCompressor is the compressor UseCompressor named, nil for none.
func (ci *callInfo) sendCompressor() (encoding.Compressor, error) {
	if ci.compressor == "" || ci.compressor == encoding.Identity {
		return nil, nil
	}
	c := encoding.GetCompressor(ci.compressor)
	if c == nil {
		return nil, status.Errorf(codes.Internal, "grpc: compressor %q is not registered (import its package, e.g. rpc/encoding/gzip)", ci.compressor)
	}
	return c, nil
}

func newCallInfo(defaults, opts []CallOption) callInfo {
	ci := callInfo{
		maxRecvMsgSize: defaultMaxRecvMsgSize,
		maxSendMsgSize: defaultMaxSendMsgSize,
		codec:          protocodec.Codec(),
	}
	for _, o := range defaults {
		o(&ci)
	}
	for _, o := range opts {
		o(&ci)
	}
	return ci
}
