package connactor

import (
	"errors"
	"fmt"

	"golang.org/x/net/http2"
)

// onFrame handles one frame from the reader. A returned error ends the
// connection; a protocolError is answered with GOAWAY first.
func (a *connActor) onFrame(f inFrame) error {
	if f.err != nil {
		return f.err
	}
	if f.streamErr != nil {
		a.resetStream(f.streamErr.StreamID, f.streamErr.Code, fmt.Sprintf("malformed frame: %v", f.streamErr))
		return nil
	}
	switch f.typ {
	case http2.FrameData:
		return a.onData(f)
	case http2.FrameHeaders:
		return a.onHeaders(f)
	case http2.FrameRSTStream:
		return a.onReset(f)
	case http2.FrameSettings:
		if f.flags.Has(http2.FlagSettingsAck) {
			return nil
		}
		if err := validSettings(f.settings); err != nil {
			return err
		}
		a.applyPeerSettings(f.settings)
		a.write(writerOp{kind: opPeerSettings, rare: &rareOps{settings: f.settings}})
		a.write(writerOp{kind: opSettingsAck})
	case http2.FramePing:
		if !f.flags.Has(http2.FlagPingAck) {
			a.write(writerOp{kind: opPingAck, ping: f.ping})
		} else if f.ping == shutdownPing {
			a.onShutdownPingAck()
		}
	case http2.FrameWindowUpdate:
		a.write(writerOp{kind: opPeerWindow, streamID: f.streamID, incr: f.incr})
	case http2.FrameGoAway:
		a.onGoAway(f)
	case http2.FramePushPromise:
		// We sent SETTINGS_ENABLE_PUSH 0 (RFC 9113 8.4).
		return protocolError{code: http2.ErrCodeProtocol, msg: "PUSH_PROMISE received with push disabled"}
	}
	// PRIORITY and unknown frame types are ignored (RFC 9113 5.5).
	return nil
}

// validSettings checks the values RFC 9113 6.5.2 bounds; a bad one is a
// connection error.
func validSettings(settings []http2.Setting) error {
	for _, s := range settings {
		if err := s.Valid(); err != nil {
			var ce http2.ConnectionError
			code := http2.ErrCodeProtocol
			if errors.As(err, &ce) {
				code = http2.ErrCode(ce)
			}
			return protocolError{code: code, msg: fmt.Sprintf("invalid setting %v", s)}
		}
	}
	return nil
}

func (a *connActor) applyPeerSettings(settings []http2.Setting) {
	for _, s := range settings {
		if s.ID == http2.SettingMaxConcurrentStreams {
			a.peerMaxStreams = s.Val
			a.openWaiting()
		}
	}
}

// idle reports a stream id the peer could not have used yet.
func (a *connActor) idle(id uint32) bool {
	if a.role == RoleServer {
		// Even ids are ours, and we never open (push) one.
		return id%2 == 0 || id > a.lastPeerID
	}
	// Even ids are the server's, which may not open any: push is off.
	return id%2 == 0 || id >= a.nextID
}

func (a *connActor) onData(f inFrame) error {
	n := int64(f.length)
	if n > a.connRecvAvail {
		return protocolError{code: http2.ErrCodeFlowControl, msg: fmt.Sprintf("DATA of %d bytes exceeds the connection window of %d", n, a.connRecvAvail)}
	}
	a.connRecvAvail -= n
	e, ok := a.streams[f.streamID]
	if !ok {
		if a.idle(f.streamID) {
			return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("DATA on idle stream %d", f.streamID)}
		}
		// A stream we already closed: the data was in flight. Give the
		// window back and drop it.
		a.dropData(f)
		return nil
	}
	if e.reset {
		// In flight when the stream was reset: ignored (RFC 9113 5.1).
		a.dropData(f)
		return nil
	}
	if e.recvClosed {
		a.dropData(f)
		a.resetStream(f.streamID, http2.ErrCodeStreamClosed, "DATA after END_STREAM")
		return nil
	}
	if n > e.recvAvail {
		a.dropData(f)
		a.resetStream(f.streamID, http2.ErrCodeFlowControl, fmt.Sprintf("DATA of %d bytes exceeds the stream window of %d", n, e.recvAvail))
		return nil
	}
	e.recvAvail -= n
	// Padding is never delivered, so it is consumed the moment it arrives.
	if pad := n - int64(len(f.data)); pad > 0 {
		a.grantConn(pad)
		a.grantStream(f.streamID, e, pad)
	}
	e.buffered += int64(len(f.data))
	end := f.flags.Has(http2.FlagDataEndStream)
	if end {
		e.recvClosed = true
	}
	held := len(f.data)
	if held > 0 || end {
		e.deliver(Event{Kind: EventData, Data: f.data, EndStream: end})
	}
	a.hold(f.streamID, held)
	return nil
}

// dropData discards DATA no stream takes: its window is given back to the
// connection at once, and its buffer to the free list.
func (a *connActor) dropData(f inFrame) {
	a.grantConn(int64(f.length))
	RecycleData(f.data)
}

func (a *connActor) onHeaders(f inFrame) error {
	end := f.flags.Has(http2.FlagHeadersEndStream)
	e, ok := a.streams[f.streamID]
	if !ok {
		if a.role == RoleServer && a.idle(f.streamID) {
			return a.acceptStream(f)
		}
		if a.idle(f.streamID) {
			return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("HEADERS on idle stream %d", f.streamID)}
		}
		// A stream that is gone: it ended or was reset, and what the peer
		// had in flight is ignored (RFC 9113 5.1).
		return nil
	}
	if e.reset {
		return nil
	}
	if e.recvClosed {
		a.resetStream(f.streamID, http2.ErrCodeStreamClosed, "HEADERS after END_STREAM")
		return nil
	}
	if end {
		e.recvClosed = true
	}
	e.deliver(Event{Kind: EventHeaders, Fields: f.fields, Truncated: f.truncated, EndStream: end})
	return nil
}

// acceptStream opens a stream the client started (server role).
func (a *connActor) acceptStream(f inFrame) error {
	id := f.streamID
	if id%2 == 0 {
		return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("client opened even stream id %d", id)}
	}
	a.lastPeerID = id
	if a.goAwaySent {
		a.write(writerOp{kind: opRST, streamID: id, code: http2.ErrCodeRefusedStream})
		return nil
	}
	if uint32(len(a.streams)) >= a.cfg.MaxConcurrentStreams {
		a.write(writerOp{kind: opRST, streamID: id, code: http2.ErrCodeRefusedStream})
		return nil
	}
	if a.refuseOverBudget(id) {
		return nil
	}
	e := a.addStream(id)
	// Near the limit, the stream's end must leave our count before the
	// client can see it (Stream.Finish).
	e.s.finishViaConn = uint64(len(a.streams))*4 >= uint64(a.cfg.MaxConcurrentStreams)*3
	a.write(writerOp{kind: opAnnounce, streamID: id})
	end := f.flags.Has(http2.FlagHeadersEndStream)
	e.recvClosed = end
	e.deliver(Event{Kind: EventHeaders, Fields: f.fields, Truncated: f.truncated, EndStream: end})
	e.cancel = a.cfg.Accept(e.s)
	return nil
}

func (a *connActor) addStream(id uint32) *streamEntry {
	e := &streamEntry{s: newStream(a.Conn, id), recvAvail: int64(a.cfg.StreamWindow)}
	a.streams[id] = e
	a.keepaliveWake()
	return e
}

func (a *connActor) onReset(f inFrame) error {
	e, ok := a.streams[f.streamID]
	if !ok {
		if a.idle(f.streamID) {
			return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("RST_STREAM on idle stream %d", f.streamID)}
		}
		return nil
	}
	a.write(writerOp{kind: opForget, streamID: f.streamID})
	e.abortOnce(Event{Kind: EventReset, Code: f.code, Unprocessed: f.code == http2.ErrCodeRefusedStream,
		Err: fmt.Errorf("stream reset by the peer with %v", f.code)})
	return nil
}

// onGoAway: the peer takes no new streams; those above its last stream id
// were never processed and may be retried elsewhere (RFC 9113 6.8).
func (a *connActor) onGoAway(f inFrame) {
	a.goAwayReceived = true
	if !a.goingAwayClosed {
		a.peerGoAway = &GoAway{Code: f.code, LastStreamID: f.lastID, Debug: string(f.debug)}
	}
	a.markGoingAway()
	a.peerLastID = f.lastID
	why := fmt.Errorf("the peer sent GOAWAY (%v, last stream %d): %s", f.code, f.lastID, f.debug)
	for id, e := range a.streams {
		if a.role == RoleClient && id > f.lastID && !e.recvClosed {
			e.abortOnce(Event{Kind: EventClosed, Unprocessed: true, Err: why})
		}
	}
	a.failWaiting(fmt.Errorf("%w: %v", ErrGoingAway, why))
}
