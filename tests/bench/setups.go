package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// setup is a unary workload off the plain path: a stack configuration
// (TLS, gzip, raised limits, round robin), several servers or several
// client channels.
type setup struct {
	cfg      stacks.Config
	size     int  // payload bytes each way
	inflight int  // goroutines calling back to back
	servers  int  // backends (round robin over them when more than one)
	conns    int  // client channels; goroutine w uses channel w % conns
	latency  bool // record each call's latency
}

// setupSession is the servers and channels of one setup, every channel
// connected.
type setupSession struct {
	srvs []*stacks.Server
	cls  []stacks.Client
}

func (s *setupSession) close() {
	for _, cl := range s.cls {
		cl.Close()
	}
	for _, srv := range s.srvs {
		srv.Stop()
	}
}

func startSetup(st stacks.Stack, u setup) (*setupSession, error) {
	s := &setupSession{}
	var addrs []string
	for range max(u.servers, 1) {
		srv, err := st.ServeWith(u.cfg)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("server %d: %w", len(s.srvs), err)
		}
		s.srvs = append(s.srvs, srv)
		addrs = append(addrs, srv.Addr)
	}
	for range max(u.conns, 1) {
		cl, err := st.DialWith(addrs, u.cfg)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("channel %d: %w", len(s.cls), err)
		}
		s.cls = append(s.cls, cl)
		// Connect before the clock starts.
		if _, err := cl.Unary(context.Background(), &echopb.EchoRequest{Message: "x"}); err != nil {
			s.close()
			return nil, fmt.Errorf("first call on channel %d: %w", len(s.cls)-1, err)
		}
	}
	return s, nil
}

// runSetup: u.inflight goroutines making unary calls of u.size bytes each
// way, spread over u.conns channels to u.servers servers.
func runSetup(st stacks.Stack, t timing, u setup) (result, error) {
	s, err := startSetup(st, u)
	if err != nil {
		return result{}, err
	}
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := &echopb.EchoRequest{Message: strings.Repeat("x", u.size)}
	return drive(u.inflight, t, u.latency, cancel, func(w int) (int, error) {
		resp, err := s.cls[w%len(s.cls)].Unary(ctx, req)
		if err != nil {
			return 0, err
		}
		if len(resp.GetMessage()) != u.size {
			return 0, fmt.Errorf("response of %d bytes, want %d", len(resp.GetMessage()), u.size)
		}
		return u.size, nil
	})
}

// runFirstCall: one goroutine making a fresh channel to one server, its
// first unary call (resolve, connect, HTTP/2 preface and SETTINGS, the
// call) and closing it, back to back; the latency is the first call's.
func runFirstCall(st stacks.Stack, t timing) (result, error) {
	srv, err := st.Serve()
	if err != nil {
		return result{}, err
	}
	defer srv.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := &echopb.EchoRequest{Message: "x"}
	return drive(1, t, true, cancel, func(int) (int, error) {
		cl, err := st.Dial(srv.Addr)
		if err != nil {
			return 0, err
		}
		_, callErr := cl.Unary(ctx, req)
		cl.Close()
		if callErr != nil {
			return 0, fmt.Errorf("first call: %w", callErr)
		}
		return 1, nil
	})
}

// allocsBothOTel is allocsBoth with each stack's OpenTelemetry handler on
// the client and the server (Config.OTel): what recording metrics and
// spans adds to a round trip.
func allocsBothOTel(st stacks.Stack, n int) (allocFig, error) {
	s, err := startSetup(st, setup{cfg: stacks.Config{OTel: true}, size: 1, inflight: 1})
	if err != nil {
		return allocFig{}, err
	}
	defer s.close()
	call := unaryCaller(s.cls[0])
	for range warmCalls(n) {
		if err := call(); err != nil {
			return allocFig{}, err
		}
	}
	return measureAllocs(n, call)
}
