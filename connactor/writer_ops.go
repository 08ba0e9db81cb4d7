package connactor

import (
	"time"

	"golang.org/x/net/http2"
)

// writerOp is one message in the writer's mailbox: the closed set of
// messages the writer takes is the constructors below, and nothing else
// builds one. It is a value type, not an interface, because the mailbox is
// on every call's path: a value costs no allocation. Every connection's
// mailbox holds writerMailbox of them, so the fields are ordered to leave
// no padding, and what the rare SETTINGS, GOAWAY and stall ops carry is
// behind a pointer.
type writerOp struct {
	kind     opKind
	streamID uint32 // the stream the op is about; goAwayOp: the last stream id
	incr     uint32 // peerWindowOp, windowUpdateOp
	code     http2.ErrCode
	ping     [8]byte
	write    Write    // writeOp, openOp
	rare     *rareOps // peerSettingsOp, goAwayOp, stallCheckOp
}

// rareOps is what the rare ops carry.
type rareOps struct {
	settings []http2.Setting // peerSettingsOp, settingsOp
	debug    []byte          // goAwayOp
	// stallCheckOp: the bounds (stall.go)
	stall, connStall time.Duration
}

type opKind uint8

const (
	opWrite        opKind = iota // a stream's Write
	opOpen                       // a new client stream: its Write creates it
	opAnnounce                   // a new server stream may now send
	opForget                     // the peer reset a stream: drop what it has queued
	opPeerWindow                 // the peer granted send window (stream 0: the connection)
	opPeerSettings               // the peer's SETTINGS, to apply to the sending side
	opSettingsAck                // ACK of the peer's SETTINGS
	opSettings                   // SETTINGS of ours after the handshake (a grown stream window)
	opPing                       // PING (ack false)
	opPingAck                    // PING with ACK
	opWindowUpdate               // WINDOW_UPDATE we grant
	opRST                        // RST_STREAM the connection decided
	opGoAway                     // GOAWAY the connection decided; the writer flushes and keeps running
	opClose                      // flush and end
	opStallCheck                 // which streams' data waited too long (writer_budget.go)
)

// writeOp: a stream's Write (stream -> writer, or the connection
// forwarding a stream's last one).
func writeOp(w Write) writerOp { return writerOp{kind: opWrite, write: w} }

// openOp: the first Write of a client stream, which creates it.
func openOp(w Write) writerOp { return writerOp{kind: opOpen, write: w} }

// announceOp: the peer opened stream id; it may send.
func announceOp(id uint32) writerOp { return writerOp{kind: opAnnounce, streamID: id} }

// forgetOp: the peer reset stream id; drop what it has queued.
func forgetOp(id uint32) writerOp { return writerOp{kind: opForget, streamID: id} }

// peerWindowOp: the peer's WINDOW_UPDATE (id 0: the connection's).
func peerWindowOp(id, incr uint32) writerOp {
	return writerOp{kind: opPeerWindow, streamID: id, incr: incr}
}

// peerSettingsOp: the peer's SETTINGS, for the sending side.
func peerSettingsOp(settings []http2.Setting) writerOp {
	return writerOp{kind: opPeerSettings, rare: &rareOps{settings: settings}}
}

// settingsAckOp: ACK the peer's SETTINGS.
func settingsAckOp() writerOp { return writerOp{kind: opSettingsAck} }

// settingsOp: SETTINGS of ours (the BDP estimate grew the stream
// window). Only the receiving side is concerned: the writer just sends it.
func settingsOp(settings []http2.Setting) writerOp {
	return writerOp{kind: opSettings, rare: &rareOps{settings: settings}}
}

// pingOp: a PING of ours.
func pingOp(data [8]byte) writerOp { return writerOp{kind: opPing, ping: data} }

// pingAckOp: the ACK of the peer's PING.
func pingAckOp(data [8]byte) writerOp { return writerOp{kind: opPingAck, ping: data} }

// windowUpdateOp: receive window we grant (id 0: the connection's).
func windowUpdateOp(id, incr uint32) writerOp {
	return writerOp{kind: opWindowUpdate, streamID: id, incr: incr}
}

// rstOp: RST_STREAM the connection decided on; the writer drops what the
// stream had queued.
func rstOp(id uint32, code http2.ErrCode) writerOp {
	return writerOp{kind: opRST, streamID: id, code: code}
}

// goAwayOp: the GOAWAY the connection decided on. lastID is the
// connection's: the writer keeps no stream ids of its own for it.
func goAwayOp(lastID uint32, code http2.ErrCode, debug string) writerOp {
	return writerOp{kind: opGoAway, streamID: lastID, code: code, rare: &rareOps{debug: []byte(debug)}}
}

// closeOp: flush, and end.
func closeOp() writerOp { return writerOp{kind: opClose} }

// stallCheckOp: which streams' data has not moved for stream, and whether
// the connection's has waited for conn (stall.go).
func stallCheckOp(stream, conn time.Duration) writerOp {
	return writerOp{kind: opStallCheck, rare: &rareOps{stall: stream, connStall: conn}}
}
