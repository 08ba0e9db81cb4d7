package http2server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// Server is a listening misbehaving server. Its accept loop and each
// connection run on their own goroutine; Shutdown ends them all.
type Server struct {
	testCase Case
	lis      net.Listener
	done     chan struct{} // closed when the accept loop has ended

	mu      sync.Mutex // guards the fields below
	report  Report
	conns   map[*conn]bool // open connections
	connsWG sync.WaitGroup // one per connection goroutine
}

// Start listens on a free loopback port and serves c.
func Start(c Case) (*Server, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("unknown test case %q; want one of %v or %v", c, Cases(), ControlCases())
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return Serve(lis, c), nil
}

// Serve serves c on lis, which the Server then owns.
func Serve(lis net.Listener, c Case) *Server {
	s := &Server{
		testCase: c,
		lis:      lis,
		done:     make(chan struct{}),
		report:   Report{Case: c},
		conns:    make(map[*conn]bool),
	}
	go s.acceptLoop()
	return s
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// Port is the port the server listens on.
func (s *Server) Port() int { return s.lis.Addr().(*net.TCPAddr).Port }

func (s *Server) acceptLoop() {
	defer close(s.done)
	for {
		nc, err := s.lis.Accept()
		if err != nil {
			return // the listener was closed by Shutdown
		}
		s.mu.Lock()
		s.report.Conns++
		c := newConn(s, s.report.Conns, nc)
		s.conns[c] = true
		s.connsWG.Add(1)
		s.mu.Unlock()
		go c.serve()
	}
}

// Shutdown stops accepting, waits until ctx is done for the client to
// close its connections (the ping case checks its ACKs when the
// connection is lost), closes the rest, and returns the report.
func (s *Server) Shutdown(ctx context.Context) Report {
	s.lis.Close()
	<-s.done
	allEnded := make(chan struct{})
	go func() {
		s.connsWG.Wait()
		close(allEnded)
	}()
	select {
	case <-allEnded:
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.forced = true
			c.nc.Close()
		}
		s.mu.Unlock()
		<-allEnded
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.report
	r.Calls = append([]Call(nil), r.Calls...)
	r.IgnoredAfterGoAway = append([]Call(nil), r.IgnoredAfterGoAway...)
	r.Violations = append([]string(nil), r.Violations...)
	return r
}

// record changes the report under the lock.
func (s *Server) record(change func(r *Report)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.report)
}

// connEnded records how a connection ended: err is the read error that
// ended it.
func (s *Server) connEnded(c *conn, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	s.report.PingsOwed += len(c.pingsOwed)
	if c.forced {
		s.report.ForcedClosed++
	} else if err != nil && !isClosedByPeer(err) {
		s.report.Violations = append(s.report.Violations, fmt.Sprintf("connection %d: %v", c.id, err))
	}
	s.connsWG.Done()
}

// isClosedByPeer says whether err is the client closing the connection.
func isClosedByPeer(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, net.ErrClosed) || errors.As(err, &opErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
