package connactor

import (
	"time"

	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/actors"
)

// SocketStats is what a connection has done, as its actors counted it:
// the connection actor's answer to a probe (actors.Info.Stats), with the
// figures only the writer sees (WriterStats) as the writer last published
// them. channelz's Socket and the debug page read it; it is a copy, never
// touched again by the actor, with plain fields so that it encodes as
// JSON.
//
// A stream succeeds when it closes with END_STREAM both ways, and fails
// when either side reset it or the connection ended under it (grpc-go's
// reading of channelz's streams_succeeded). A call succeeds when its
// status was OK: the trailers we wrote (server) or received (client) said
// grpc-status 0.
type SocketStats struct {
	Ref        *actors.Ref `json:"-"` // the connection actor: a stable identity for channelz
	Role       string      // "client" or "server"
	LocalAddr  string
	RemoteAddr string
	Network    string // the addresses' network: "tcp", "unix", ...
	Security   string // the handshake's AuthType ("tls"), or "" for plaintext
	AuthInfo   any    `json:"-"` // Config.AuthInfo, for readers that know its type

	StreamsStarted   int64
	StreamsSucceeded int64
	StreamsFailed    int64
	CallsSucceeded   int64
	CallsFailed      int64
	MessagesSent     int64 // from the writer: Writes that carried a message, as it last published them
	MessagesReceived int64 // gRPC messages whose last byte arrived
	KeepAlivesSent   int64

	LastLocalStreamCreated  time.Time // a stream we opened (client)
	LastRemoteStreamCreated time.Time // a stream the peer opened (server)
	LastMessageSent         time.Time // from the writer
	LastMessageReceived     time.Time

	// LocalFlowControlWindow is what the peer lets us send on the
	// connection (the writer's, as it last published it).
	LocalFlowControlWindow int64
	// RemoteFlowControlWindow is what we let the peer send.
	RemoteFlowControlWindow int64
}

// WriterStats is what only the writer sees. It publishes them in a
// one-slot channel when they changed and it is about to wait for work, or
// every statsEvery flushes while it is busy (never per frame, never on a
// call's path, never waiting: a newer value replaces one not yet taken),
// and the connection actor takes the newest when Inspect asks. The writer
// has no probe of its own: it may be blocked in a write to a peer that
// does not read, and Inspect must not wait for that.
type WriterStats struct {
	MessagesSent    int64
	LastMessageSent time.Time
	SendWindow      int64 // the connection's send window the peer granted
}

// SocketStatsOf reads a connection's Info (Conn.Inspect, or an entry of a
// tree). ok is false when info is not a running connection that answered.
func SocketStatsOf(info actors.Info) (st SocketStats, ok bool) {
	st, ok = info.Stats.(SocketStats)
	return st, ok
}

func (st *SocketStats) addWriter(ws WriterStats) {
	st.MessagesSent = ws.MessagesSent
	st.LastMessageSent = ws.LastMessageSent
	st.LocalFlowControlWindow = ws.SendWindow
}

// FinalStats is what the connection had done when it ended; ok is false
// until it has (Done is closed).
func (c *Conn) FinalStats() (SocketStats, bool) {
	select {
	case <-c.ref.Done():
	default:
		return SocketStats{}, false
	}
	if c.final == nil {
		return SocketStats{}, false
	}
	return *c.final, true
}

// connTally is the connection actor's count of what passed through it.
type connTally struct {
	streamsStarted, streamsSucceeded, streamsFailed int64
	callsSucceeded, callsFailed                     int64
	messagesReceived, keepAlivesSent                int64
	lastLocalStream, lastRemoteStream, lastMessage  time.Time
	unstamped                                       bool      // a message arrived since lastMessage was last set
	batchTime                                       time.Time // when the batch of frames being handled is, read once (zero: not read yet)
}

// socketStats is the actor's snapshot for a probe.
func (a *connActor) socketStats() SocketStats {
	t := &a.tally
	st := SocketStats{
		Ref:                     a.c.ref,
		Role:                    a.role.String(),
		AuthInfo:                a.c.authInfo,
		StreamsStarted:          t.streamsStarted,
		StreamsSucceeded:        t.streamsSucceeded,
		StreamsFailed:           t.streamsFailed,
		CallsSucceeded:          t.callsSucceeded,
		CallsFailed:             t.callsFailed,
		MessagesReceived:        t.messagesReceived,
		KeepAlivesSent:          t.keepAlivesSent,
		LastLocalStreamCreated:  t.lastLocalStream,
		LastRemoteStreamCreated: t.lastRemoteStream,
		LastMessageReceived:     t.lastMessage,
		RemoteFlowControlWindow: a.connRecvAvail,
	}
	select {
	case a.wlast = <-a.wstats:
	default:
	}
	st.addWriter(a.wlast)
	if a.c.local != nil {
		st.LocalAddr, st.Network = a.c.local.String(), a.c.local.Network()
	}
	if a.c.remote != nil {
		st.RemoteAddr = a.c.remote.String()
	}
	if ai, ok := a.c.authInfo.(interface{ AuthType() string }); ok && ai.AuthType() != "insecure" {
		st.Security = ai.AuthType()
	}
	return st
}

// localStreamStarted counts a stream we opened (client).
func (t *connTally) localStreamStarted() {
	t.streamsStarted++
	t.lastLocalStream = time.Now()
}

// remoteStreamStarted counts a stream the peer opened (server), as a
// batch of frames is handled.
func (t *connTally) remoteStreamStarted() {
	t.streamsStarted++
	t.lastRemoteStream = t.now()
}

// now is the time of the batch of frames being handled: the clock is read
// once a batch, and only when something needs it.
func (t *connTally) now() time.Time {
	if t.batchTime.IsZero() {
		t.batchTime = time.Now()
	}
	return t.batchTime
}

// streamEnded counts a stream as it leaves the table: how it closed, and
// whether its status was OK.
func (t *connTally) streamEnded(closedAs streamState, statusOK bool) {
	if closedAs == stateClosed {
		t.streamsSucceeded++
	} else {
		t.streamsFailed++
	}
	if statusOK {
		t.callsSucceeded++
	} else {
		t.callsFailed++
	}
}

// endedAs is how a stream still in the table when the connection ends
// counts: closed when both sides had sent END_STREAM, else reset by us.
func (e *streamEntry) endedAs() streamState {
	if e.state == stateClosed {
		return stateClosed
	}
	return stateClosedByUs
}

// statusKnownOK reports a stream still in the table when the connection
// ends whose call ended with status OK. A client's status is the trailers
// the actor read. A server's is what its stream's Finish wrote before it
// handed the trailers to the writer, so it is ours to read only once the
// writer reported their END_STREAM (evSendEnd: half-closed local or
// closed); before that, the stream may be finishing on its own goroutine.
func (e *streamEntry) statusKnownOK(role Role) bool {
	if role == RoleClient {
		return e.s.statusOK
	}
	return (e.state == stateHalfClosedLocal || e.state == stateClosed) && e.s.statusOK
}

// batchDone ends a batch of frames: the last message received is as of
// the batch, not of each message.
func (t *connTally) batchDone() {
	if t.unstamped {
		t.unstamped = false
		t.lastMessage = t.now()
	}
	t.batchTime = time.Time{}
}

// finalStats hands the connection's last figures to the handle, once the
// writer has ended (its tally is then the actor's to read).
func (a *connActor) finalStats(w *writer) {
	st := a.socketStats()
	if w != nil {
		w.tally.stamp()
		st.addWriter(w.tally.stats(w.connWindow))
	}
	a.c.final = &st
}

// stamp sets the time of the last message sent.
func (t *writerTally) stamp() {
	if t.unstamped {
		t.unstamped = false
		t.lastMessage = time.Now()
	}
}

// countMessages finds where gRPC messages end in the stream's DATA: each
// is a 5-byte prefix (a flag, then a 4-byte length) and that many bytes.
// It returns how many messages ended in data.
func (e *streamEntry) countMessages(data []byte) (n int64) {
	for len(data) > 0 {
		if e.msgHdr == 0 && e.msgLeft > 0 { // inside a message
			k := uint32(min(len(data), int(e.msgLeft)))
			e.msgLeft -= k
			data = data[k:]
			if e.msgLeft == 0 {
				n++
			}
			continue
		}
		// Inside a prefix: the flag, then the length, one byte at a time.
		if e.msgHdr > 0 {
			e.msgLeft = e.msgLeft<<8 | uint32(data[0])
		}
		data = data[1:]
		if e.msgHdr++; e.msgHdr == 5 {
			e.msgHdr = 0
			if e.msgLeft == 0 { // an empty message
				n++
			}
		}
	}
	return n
}

// statusOK reports trailers that say grpc-status 0.
func statusOK(fields []hpack.HeaderField) bool {
	for _, f := range fields {
		if f.Name == "grpc-status" {
			return f.Value == "0"
		}
	}
	return false
}

// writerTally is the writer's count of what it sent.
type writerTally struct {
	messagesSent int64
	lastMessage  time.Time
	unstamped    bool // a message went out since lastMessage was last set
}

func (t *writerTally) stats(window int64) WriterStats {
	return WriterStats{MessagesSent: t.messagesSent, LastMessageSent: t.lastMessage, SendWindow: window}
}

// statsEvery is how many flushes a busy writer makes between publishing
// its figures.
const statsEvery = 64

// publishStats offers the writer's figures to the connection actor when
// they changed: the time of the last message sent is taken then, not per
// message.
func (w *writer) publishStats() {
	w.tally.stamp()
	st := w.tally.stats(w.connWindow)
	if st == w.published {
		return
	}
	w.published = st
	select {
	case <-w.stats: // replaced by the newer value
	default:
	}
	w.stats <- st
}
