package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/internal/live"
	"github.com/actorpc/actorpc/rpc/peer"
)

// ErrServerStopped is returned by Serve on a server that was stopped.
var ErrServerStopped = errors.New("rpc: the server has been stopped")

// Server serves gRPC services. Its listeners and connections are owned by
// the server actor; each connection is a connection actor; each call runs
// on its handler actor, a child of its connection (see Inspect).
type Server struct {
	opts     serverOptions
	services map[string]*serviceInfo // filled by RegisterService before Serve, read-only after
	methods  map[string]*methodInfo  // "/service/method" -> handler, likewise

	ctx    context.Context // ends with Stop: the parent of every connection and call
	cancel context.CancelFunc
	// inbox is the server actor's: Serve, Stop, RegisterService and
	// Inspect (caller), a handshake's outcome (handshake), a connection's
	// end (connection). The actor never waits on any of them.
	inbox chan serverMsg // from: caller, handshake, connection to server actor; blocks
	ref   *actors.Ref
	// probe is Inspect's question (server_inspect.go), bounded by its ctx.
	probe chan chan<- actors.Report // from: caller to server actor; blocks
	// handlerOpts are how every handler actor is spawned: none, or
	// actors.Repanic with CrashOnHandlerPanic (handler_panic.go).
	handlerOpts []actors.Option
}

type serviceInfo struct {
	impl any
	desc *ServiceDesc
}

type methodInfo struct {
	service *serviceInfo
	unary   *MethodDesc
	stream  *StreamDesc
}

// NewServer makes a server; register services, then Serve.
func NewServer(opts ...ServerOption) *Server {
	o := defaultServerOptions()
	for _, opt := range opts {
		opt(&o)
	}
	o.unaryInterceptor = chainUnaryServer(o.unaryInterceptor, o.chainUnaryInts)
	o.streamInterceptor = chainStreamServer(o.streamInterceptor, o.chainStreamInts)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:     o,
		services: make(map[string]*serviceInfo),
		methods:  make(map[string]*methodInfo),
		ctx:      ctx,
		cancel:   cancel,
		inbox:    make(chan serverMsg, 16),
		probe:    make(chan chan<- actors.Report),
	}
	if o.crashOnHandlerPanic {
		s.handlerOpts = []actors.Option{actors.Repanic()}
	}
	a := &serverActor{s: s, core: newServerCore()}
	live.Add(s) // channelz lists it until its actor ends (internal/live)
	s.ref = actors.Spawn(context.Background(), "server", a.run,
		actors.WithMailbox(func() (int, int) { return len(s.inbox), cap(s.inbox) }), actors.WithProbe(s.probe),
		actors.OnExit(func(string, error) { live.Remove(s) }))
	return s
}

// RegisterService registers impl as the implementation of desc. Call it
// before Serve; impl must satisfy desc.HandlerType. Like grpc-go, it
// panics on a registration that could only route calls wrongly: a nil
// implementation, one that does not implement the service, a service
// registered twice, a malformed desc, or a registration after Serve.
func (s *Server) RegisterService(desc *ServiceDesc, impl any) {
	if err := checkService(desc, impl); err != nil {
		panic(err.Error())
	}
	err, asked := actors.Ask(context.Background(), s.inbox, s.ref.Done(), func(reply chan<- error) serverMsg {
		return registerMsg{service: &serviceInfo{impl: impl, desc: desc}, reply: reply}
	})
	if asked != nil {
		err = fmt.Errorf("rpc: RegisterService(%q) after the server was stopped", desc.ServiceName)
	}
	if err != nil {
		panic(err.Error())
	}
}

// GetServiceInfo describes the registered services, keyed by their full
// names, as grpc-go's does (reflection and health list services with it).
func (s *Server) GetServiceInfo() map[string]ServiceInfo {
	services, err := actors.Ask(context.Background(), s.inbox, s.ref.Done(), func(reply chan<- map[string]ServiceInfo) serverMsg {
		return serviceInfoMsg{reply: reply}
	})
	if err != nil {
		return map[string]ServiceInfo{}
	}
	return services
}

// Serve accepts connections on lis until Stop or GracefulStop, and then
// returns nil; it closes lis. Any other accept failure is returned.
func (s *Server) Serve(lis net.Listener) error {
	added, err := actors.Ask(s.ctx, s.inbox, s.ref.Done(), func(reply chan<- bool) serverMsg {
		return addListenerMsg{lis: lis, reply: reply}
	})
	if err != nil || !added {
		lis.Close()
		return ErrServerStopped
	}
	var backoff time.Duration
	for {
		nc, err := lis.Accept()
		if err == nil {
			backoff = 0
			s.tell(newConnMsg{nc: nc})
			continue
		}
		switch judgeAcceptError(err, s.ctx.Err() != nil || s.stopping()) {
		case acceptRetry:
			backoff = acceptBackoff(backoff)
			select {
			case <-time.After(backoff):
				continue
			case <-s.ctx.Done():
				return nil
			}
		case acceptStopped:
			s.tell(removeListenerMsg{lis: lis})
			return nil
		default:
			s.tell(removeListenerMsg{lis: lis})
			return fmt.Errorf("rpc: accepting connections: %w", err)
		}
	}
}

// stopping reports whether Stop or GracefulStop was called.
func (s *Server) stopping() bool {
	stopping, err := actors.Ask(context.Background(), s.inbox, s.ref.Done(), func(reply chan<- bool) serverMsg {
		return stoppingMsg{reply: reply}
	})
	return err != nil || stopping
}

// Stop closes every listener and connection now: calls in flight end (the
// handlers' contexts are cancelled, clients see Unavailable). It returns
// when every connection has ended.
func (s *Server) Stop() { s.stop(false) }

// GracefulStop stops accepting, sends GOAWAY on every connection, and
// waits for the calls in flight to end.
func (s *Server) GracefulStop() { s.stop(true) }

func (s *Server) stop(graceful bool) {
	done := make(chan struct{})
	select {
	case s.inbox <- stopMsg{graceful: graceful, done: done}:
		// The actor may have ended (an earlier stop) with the message
		// still in its mailbox: then there is nothing left to stop.
		select {
		case <-done:
		case <-s.ref.Done():
		}
	case <-s.ref.Done():
	}
	s.cancel()
	s.ref.Stop()
	<-s.ref.Done()
}

func (s *Server) tell(m serverMsg) {
	select {
	case s.inbox <- m:
	case <-s.ref.Done():
		if m, ok := m.(newConnMsg); ok {
			m.nc.Close()
		}
	}
}

// connConfig is how the server's connections behave.
// p is the client, as every call's context carries it.
// connCtx is the connection's context as TagConn returned it (nil without
// stats handlers): the calls' contexts take its values.
func (s *Server) connConfig(nc net.Conn, p *peer.Peer, connCtx context.Context) connactor.Config {
	cfg := connactor.Config{
		Name:                 "server " + nc.RemoteAddr().String(),
		MaxConcurrentStreams: s.opts.maxConcurrentStreams,
		StreamWindow:         s.opts.streamWindow,
		ConnWindow:           s.opts.connWindow,
		StaticWindows:        s.opts.streamWindow != 0 || s.opts.connWindow != 0, // as in grpc-go: a window set turns BDP off
		MaxHeaderListSize:    s.opts.maxHeaderListSize,
		MemoryBudget:         s.opts.connMemoryBudget(),
		StallTimeout:         s.opts.stallTimeout,
		ConnStallTimeout:     s.opts.connStallTimeout,
		Accept:               func(link *connactor.Stream) *actors.Ref { return s.acceptStream(link, p, connCtx) },
		AuthInfo:             p.AuthInfo,
		Ended:                func(c *connactor.Conn) { s.tell(connEndedMsg{conn: c}) },
		Logger:               s.opts.logger,
	}
	s.opts.applyServerKeepalive(&cfg)
	return cfg
}

// splitMethod splits "/service/method".
func splitMethod(full string) (service, method string, ok bool) {
	if !strings.HasPrefix(full, "/") {
		return "", "", false
	}
	i := strings.LastIndex(full, "/")
	if i <= 0 {
		return "", "", false
	}
	return full[1:i], full[i+1:], true
}
