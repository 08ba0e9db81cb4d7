package http2server

import (
	"fmt"
	"sort"
)

// A Case names how the server answers each UnaryCall.
type Case string

// The cases of the negative HTTP/2 interop descriptions.
const (
	// GoAway answers in full, then sends GOAWAY naming the stream it
	// answered as the last one, and ignores any stream opened after it.
	GoAway Case = "goaway"
	// RstAfterHeader sends response headers, then RST_STREAM NO_ERROR.
	RstAfterHeader Case = "rst_after_header"
	// RstDuringData sends response headers and the first half of the
	// framed response message, then RST_STREAM NO_ERROR.
	RstDuringData Case = "rst_during_data"
	// RstAfterData sends response headers and the whole framed response
	// message, then RST_STREAM NO_ERROR instead of trailers.
	RstAfterData Case = "rst_after_data"
	// Ping answers in full with a PING before and after the headers and
	// before and after the data, and counts the ACKs.
	Ping Case = "ping"
	// MaxStreams sends SETTINGS_MAX_CONCURRENT_STREAMS 1 in a second
	// SETTINGS frame once the connection is made; a stream beyond the
	// limit, once the client has acknowledged it, is refused.
	MaxStreams Case = "max_streams"
)

// Control cases: each but GoAwayRacing makes one assertion fail, to prove
// it can; GoAwayRacing is a harder goaway.
const (
	// WellBehaved answers every call in full, as any gRPC server would.
	WellBehaved Case = "well_behaved"
	// ShortPayload answers in full, but with a 1024-byte payload whatever
	// size was asked for.
	ShortPayload Case = "short_payload"
	// MaxStreamsUnannounced counts streams against a limit of one, as
	// MaxStreams does, but never announces the limit (nor refuses a
	// stream): the client may open many, and the Verdict says it did.
	MaxStreamsUnannounced Case = "max_streams_unannounced"
	// PingAckOnly is Ping plus one PING that already carries the ACK flag,
	// which a client must not answer (RFC 9113 6.7), counted as owed: the
	// Verdict finds it unacknowledged.
	PingAckOnly Case = "ping_ack_only"
	// GoAwayRacing is GoAway with the race grpc-go's client sleeps a
	// second to avoid: the GOAWAY, naming the answered stream as the last,
	// goes out only when the client has opened the next stream on the
	// connection, which is then ignored. The client must retry that call
	// on a new connection by itself (RFC 9113 6.8: it was not processed).
	GoAwayRacing Case = "goaway_racing"
)

// documented are the cases of the descriptions, by name.
var documented = map[Case]bool{
	GoAway: true, RstAfterHeader: true, RstDuringData: true, RstAfterData: true, Ping: true, MaxStreams: true,
}

// controls are the control cases, by name.
var controls = map[Case]bool{
	WellBehaved: true, ShortPayload: true, MaxStreamsUnannounced: true, PingAckOnly: true, GoAwayRacing: true,
}

// Cases are the cases of the descriptions, sorted.
func Cases() []Case { return sorted(documented) }

// ControlCases are the cases beyond the descriptions, sorted.
func ControlCases() []Case { return sorted(controls) }

// Valid says whether c names a case this server knows.
func (c Case) Valid() bool { return documented[c] || controls[c] }

func sorted(set map[Case]bool) []Case {
	out := make([]Case, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// announcedStreamLimit is the SETTINGS_MAX_CONCURRENT_STREAMS the stream
// limit cases apply.
const announcedStreamLimit = 1

// limitsStreams says whether c counts streams against the limit.
func (c Case) limitsStreams() bool { return c == MaxStreams || c == MaxStreamsUnannounced }

// pings says whether c sends PINGs around its headers and data.
func (c Case) pings() bool { return c == Ping || c == PingAckOnly }

func (c Case) String() string { return string(c) }

// caseError says which case a problem belongs to.
func caseError(c Case, format string, args ...any) error {
	return fmt.Errorf("%s: %s", c, fmt.Sprintf(format, args...))
}
