package dns_test

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
)

// fakeDNS is a DNS server on UDP 127.0.0.1 that knows one name. It answers
// A queries for it with addresses the test sets, AAAA queries with none,
// and queries for any other name (the search-list variants Go's resolver
// may try first) with NXDOMAIN. Each A query for the name is reported on
// queries, so a test can count lookups and see when they came.
type fakeDNS struct {
	name    string // fully qualified, lower case: "backend.test."
	conn    *net.UDPConn
	queries chan time.Time
	done    chan struct{}

	mu      sync.Mutex // test code: a plain lock keeps the fake short
	answers []netip.Addr
	fail    bool
	silent  bool
}

func startFakeDNS(t *testing.T, name string, ips ...string) *fakeDNS {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("fake DNS server: %v", err)
	}
	s := &fakeDNS{
		name:    strings.ToLower(name),
		conn:    conn,
		queries: make(chan time.Time, 1024),
		done:    make(chan struct{}),
	}
	s.setAnswers(t, ips...)
	go s.serve()
	t.Cleanup(func() {
		_ = conn.Close()
		<-s.done
	})
	return s
}

// addr is the server's "127.0.0.1:port", a target's authority.
func (s *fakeDNS) addr() string { return s.conn.LocalAddr().String() }

func (s *fakeDNS) setAnswers(t *testing.T, ips ...string) {
	t.Helper()
	addrs := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			t.Fatalf("fake DNS answers IPv4 only, got %q", ip)
		}
		addrs = append(addrs, a)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = addrs
}

// setSilent makes the server read queries (and report them) but never
// answer, like a DNS server behind a firewall that drops replies.
func (s *fakeDNS) setSilent(silent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = silent
}

// setFail makes the server answer SERVFAIL (true) or the addresses.
func (s *fakeDNS) setFail(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fail
}

func (s *fakeDNS) serve() {
	defer close(s.done)
	buf := make([]byte, 1500)
	for {
		n, peer, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			return // closed by the test's cleanup
		}
		if resp := s.answer(buf[:n]); resp != nil {
			_, _ = s.conn.WriteToUDP(resp, peer)
		}
	}
}

// answer builds the response to one query, or nil for garbage.
func (s *fakeDNS) answer(req []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	s.mu.Lock()
	answers, fail, silent := s.answers, s.fail, s.silent
	s.mu.Unlock()

	hdr := dnsmessage.Header{
		ID: h.ID, Response: true, Authoritative: true,
		RecursionDesired: h.RecursionDesired, RecursionAvailable: true,
	}
	ours := strings.ToLower(q.Name.String()) == s.name
	switch {
	case !ours:
		hdr.RCode = dnsmessage.RCodeNameError
	case fail:
		hdr.RCode = dnsmessage.RCodeServerFailure
	}
	if ours && q.Type == dnsmessage.TypeA {
		select {
		case s.queries <- time.Now():
		default:
		}
	}
	if silent {
		return nil
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), hdr)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil
	}
	if err := b.Question(q); err != nil {
		return nil
	}
	if err := b.StartAnswers(); err != nil {
		return nil
	}
	if ours && !fail && q.Type == dnsmessage.TypeA {
		for _, a := range answers {
			rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 0}
			if err := b.AResource(rh, dnsmessage.AResource{A: a.As4()}); err != nil {
				return nil
			}
		}
	}
	resp, err := b.Finish()
	if err != nil {
		return nil
	}
	return resp
}

// nextQuery waits for the next A query for the name and returns when the
// server received it.
func (s *fakeDNS) nextQuery(t *testing.T) time.Time {
	t.Helper()
	select {
	case at := <-s.queries:
		return at
	case <-time.After(resolvertest.WaitTimeout):
		t.Fatalf("the fake DNS server got no query for %s within %v", s.name, resolvertest.WaitTimeout)
		return time.Time{}
	}
}

// noQuery fails the test if an A query for the name arrives within d.
func (s *fakeDNS) noQuery(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case at := <-s.queries:
		t.Fatalf("unexpected query for %s at %v", s.name, at.Format(time.StampMicro))
	case <-time.After(d):
	}
}

// drainQueries forgets the queries received so far.
func (s *fakeDNS) drainQueries() {
	for {
		select {
		case <-s.queries:
		default:
			return
		}
	}
}
