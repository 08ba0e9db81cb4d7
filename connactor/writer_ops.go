package connactor

import (
	"time"

	"golang.org/x/net/http2"
)

// writerOp is one message in the writer's mailbox. Exactly one of its
// parts is used, chosen by kind; a value type keeps the mailbox free of
// per-message allocations. Every connection's mailbox holds writerMailbox
// of them, so the fields are ordered to leave no padding, and what the
// rare SETTINGS and GOAWAY ops carry is behind a pointer.
type writerOp struct {
	kind     opKind
	streamID uint32 // opAnnounce, opForget, opPeerWindow, opRST; opGoAway: the last stream id
	incr     uint32 // opPeerWindow, opWindowUpdate
	code     http2.ErrCode
	ping     [8]byte
	write    Write    // opWrite, opOpen
	rare     *rareOps // opPeerSettings, opGoAway
}

// rareOps is what the rare ops carry.
type rareOps struct {
	settings []http2.Setting // opPeerSettings
	debug    []byte          // opGoAway
	// opStallCheck: the bounds (stall.go)
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
	opPing                       // PING (ack false)
	opPingAck                    // PING with ACK
	opWindowUpdate               // WINDOW_UPDATE we grant
	opRST                        // RST_STREAM the connection decided
	opGoAway                     // GOAWAY; the writer flushes and keeps running
	opClose                      // flush and end
	opStallCheck                 // which streams' data waited too long (writer_budget.go)
)
