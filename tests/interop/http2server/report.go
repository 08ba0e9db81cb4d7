package http2server

import (
	"errors"
	"fmt"
)

// A Call is one request stream the server accepted.
type Call struct {
	Conn   int    // the connection, numbered from 1 in accept order
	Stream uint32 // the stream id
	// Authority is the request's :authority.
	Authority string
}

// Report is what the server saw of the client, over all connections.
type Report struct {
	Case  Case
	Conns int // connections accepted

	// Calls are the streams accepted, in the order their HEADERS came.
	Calls []Call
	// IgnoredAfterGoAway are streams the client opened on a connection
	// after the server's GOAWAY named a lower last stream: the server
	// ignores them (RFC 9113 6.8) and the client must retry them
	// elsewhere.
	IgnoredAfterGoAway []Call

	// PingsSent counts the PINGs the server owed an ACK for; PingsOwed
	// the ones still unacknowledged when their connection ended.
	PingsSent, PingsOwed int

	// MaxActive is the most streams open at once on one connection
	// while the stream limit applied; Refused counts streams opened
	// beyond it.
	MaxActive, Refused int

	// ForcedClosed counts connections the client had not closed when
	// the server shut down.
	ForcedClosed int
	// Violations are protocol errors of the client.
	Violations []string
}

// Verdict makes the server-side assertions of the case: for every case
// the client spoke valid HTTP/2 and closed its connections; and
//
//   - goaway: the second call came on a different connection from the
//     first (the descriptions: "a different stream_id"; grpc's server
//     checks the connection);
//   - ping: every PING was acknowledged before the connection was lost;
//   - max_streams: no stream was opened beyond the limit.
func (r Report) Verdict() error {
	var errs []error
	for _, v := range r.Violations {
		errs = append(errs, caseError(r.Case, "client protocol violation: %s", v))
	}
	if r.ForcedClosed > 0 {
		errs = append(errs, caseError(r.Case, "%d of %d connections were still open when the client was done", r.ForcedClosed, r.Conns))
	}
	if len(r.Calls) == 0 {
		errs = append(errs, caseError(r.Case, "no call reached the server"))
	}
	switch r.Case {
	case GoAway, WellBehaved:
		errs = append(errs, r.goAwayVerdict())
	case GoAwayRacing:
		errs = append(errs, r.goAwayVerdict())
		if len(r.IgnoredAfterGoAway) != 1 {
			errs = append(errs, caseError(r.Case, "%d streams ignored after the GOAWAY, want the 1 that raced it: %v", len(r.IgnoredAfterGoAway), r.IgnoredAfterGoAway))
		}
	case Ping, PingAckOnly:
		if r.PingsSent < 4*len(r.Calls) {
			errs = append(errs, caseError(r.Case, "sent %d PINGs for %d calls, want 4 a call", r.PingsSent, len(r.Calls)))
		}
		if r.PingsOwed != 0 {
			errs = append(errs, caseError(r.Case, "%d of %d PINGs unacknowledged when the connection was lost", r.PingsOwed, r.PingsSent))
		}
	case MaxStreams, MaxStreamsUnannounced:
		if r.Refused > 0 || r.MaxActive > announcedStreamLimit {
			errs = append(errs, caseError(r.Case, "the client had %d streams open at once (limit %d); %d streams opened beyond the limit",
				r.MaxActive, announcedStreamLimit, r.Refused))
		}
	}
	return errors.Join(errs...)
}

// goAwayVerdict checks that the second call used a new connection.
func (r Report) goAwayVerdict() error {
	if len(r.Calls) != 2 {
		return caseError(r.Case, "got %d calls, want 2: %v", len(r.Calls), r.Calls)
	}
	if r.Calls[0].Conn == r.Calls[1].Conn {
		return caseError(r.Case, "the second call came on connection %d as stream %d, the connection of the first call (stream %d), after its GOAWAY",
			r.Calls[1].Conn, r.Calls[1].Stream, r.Calls[0].Stream)
	}
	return nil
}

// String is the report in one line, without the calls' authorities.
func (r Report) String() string {
	return fmt.Sprintf("%s: %d conns, calls %v, ignored after GOAWAY %v, pings sent %d owed %d, max active %d refused %d, forced closed %d, violations %q",
		r.Case, r.Conns, r.Calls, r.IgnoredAfterGoAway, r.PingsSent, r.PingsOwed, r.MaxActive, r.Refused, r.ForcedClosed, r.Violations)
}
