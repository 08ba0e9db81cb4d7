package connactor

import (
	"errors"
	"fmt"
	"log/slog"

	"golang.org/x/net/http2"
)

// onFrame handles one frame from the reader. A returned error ends the
// connection; a protocolError is answered with GOAWAY first.
func (a *connActor) onFrame(f inFrame) error {
	if f.err != nil {
		return f.err
	}
	if f.streamErr != nil {
		id := f.streamErr.StreamID
		if a.role == RoleServer && id%2 == 1 && a.idle(id) {
			// The framer refused the header block that opened this stream
			// (RFC 9113 8.2): the stream was opened, and closed by our
			// reset, so what the client still sends on it is ignored, not
			// taken for frames on an idle stream.
			a.lastPeerID = id
			a.closed.add(id, stateClosedByUs)
		}
		a.resetStream(id, f.streamErr.Code, fmt.Sprintf("malformed frame: %v", f.streamErr))
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
		if err := a.policeSettings(); err != nil {
			return err
		}
		if err := validSettings(f.settings); err != nil {
			return err
		}
		a.applyPeerSettings(f.settings)
		a.write(peerSettingsOp(f.settings))
		a.write(settingsAckOp())
	case http2.FramePing:
		if !f.flags.Has(http2.FlagPingAck) {
			a.write(pingAckOp(f.ping))
			return a.policePing()
		} else if f.ping == shutdownPing {
			a.onShutdownPingAck()
		} else if f.ping == bdpPing {
			a.bdpOnAck()
		}
	case http2.FrameWindowUpdate:
		return a.onWindowUpdate(f)
	case http2.FramePriority:
		a.onPriority(f)
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

// untracked is the state of a stream not in the table: idle, or closed
// in the way the closed-stream memory says. never: an id the peer skipped,
// which opening a higher one closed (RFC 9113 5.1.1).
func (a *connActor) untracked(id uint32) (s streamState, never bool) {
	if a.idle(id) {
		return stateIdle, false
	}
	s, _, never = a.closed.lookup(id)
	return s, never
}

// judge applies a verdict that is not accept to a frame on stream id: a
// connection error to return, a stream error answered with RST_STREAM,
// or nothing.
func (a *connActor) judge(id uint32, v verdict) error {
	switch v.kind {
	case connError:
		return protocolError{code: v.code, msg: fmt.Sprintf("stream %d: %s", id, v.why)}
	case streamError:
		a.resetStream(id, v.code, v.why)
	}
	return nil
}

func (a *connActor) onData(f inFrame) error {
	if err := a.policeData(f); err != nil {
		return err
	}
	n := int64(f.length)
	if n > a.connRecvAvail {
		return protocolError{code: http2.ErrCodeFlowControl, msg: fmt.Sprintf("DATA of %d bytes exceeds the connection window of %d", n, a.connRecvAvail)}
	}
	a.connRecvAvail -= n
	a.bdpOnData(n)
	end := f.flags.Has(http2.FlagDataEndStream)
	ev := evData
	if end {
		ev = evDataEnd
	}
	e, tracked := a.streams[f.streamID]
	var next streamState
	var v verdict
	if tracked {
		next, v = transition(e.state, ev)
	} else if s, never := a.untracked(f.streamID); never {
		// 6.1: DATA on a stream that is not open is STREAM_CLOSED.
		v = verdict{kind: streamError, code: http2.ErrCodeStreamClosed, why: "DATA on a stream that was never opened"}
	} else {
		next, v = transition(s, ev)
	}
	if v.kind != accept || !tracked {
		a.dropData(f)
		return a.judge(f.streamID, v)
	}
	e.state = next
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
	if a.role == RoleServer && e.contentLength >= 0 {
		e.dataSeen += int64(len(f.data))
		if e.dataSeen > e.contentLength || (end && e.dataSeen != e.contentLength) {
			a.dropData(f)
			a.resetStream(f.streamID, http2.ErrCodeProtocol, fmt.Sprintf("malformed request: content-length %d, but %d bytes of DATA", e.contentLength, e.dataSeen))
			return nil
		}
	}
	if n := e.countMessages(f.data); n > 0 {
		a.tally.messagesReceived += n
		a.tally.unstamped = true
	}
	e.buffered += int64(len(f.data))
	held := len(f.data)
	if held > 0 || end {
		a.deliver(e, Event{Kind: EventData, Data: f.data, EndStream: end})
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
	e, tracked := a.streams[f.streamID]
	if !tracked {
		s, never := a.untracked(f.streamID)
		switch {
		case s == stateIdle && a.role == RoleServer:
			return a.acceptStream(f)
		case s == stateIdle:
			return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("HEADERS on idle stream %d (push is off)", f.streamID)}
		case never:
			return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("HEADERS opening stream %d after stream %d: new stream ids must increase (RFC 9113 5.1.1)", f.streamID, a.lastPeerID)}
		}
		_, v := transition(s, trailersEvent(end))
		return a.judge(f.streamID, v)
	}
	if f.dep == f.streamID {
		a.resetStream(f.streamID, http2.ErrCodeProtocol, "HEADERS making the stream depend on itself (RFC 9113 5.3.1)")
		return nil
	}
	ev := trailersEvent(end)
	if !e.peerHeader {
		ev = evHeaders
		if end {
			ev = evHeadersEnd
		}
	}
	next, v := transition(e.state, ev)
	if v.kind != accept {
		return a.judge(f.streamID, v)
	}
	if a.role == RoleServer && e.peerHeader {
		if err := checkTrailers(f.fields); err != nil {
			a.resetStream(f.streamID, http2.ErrCodeProtocol, "malformed request: "+err.Error())
			return nil
		}
		if e.contentLength >= 0 && e.dataSeen != e.contentLength {
			a.resetStream(f.streamID, http2.ErrCodeProtocol, fmt.Sprintf("malformed request: content-length %d, but %d bytes of DATA", e.contentLength, e.dataSeen))
			return nil
		}
	}
	e.state, e.peerHeader = next, true
	if end && a.role == RoleClient {
		e.s.statusOK = statusOK(f.fields)
	}
	a.deliver(e, Event{Kind: EventHeaders, Fields: f.fields, Truncated: f.truncated, EndStream: end})
	return nil
}

func trailersEvent(end bool) streamEvent {
	if end {
		return evTrailersEnd
	}
	return evTrailers
}

// acceptStream opens a stream the client started (server role).
func (a *connActor) acceptStream(f inFrame) error {
	id := f.streamID
	if id%2 == 0 {
		return protocolError{code: http2.ErrCodeProtocol, msg: fmt.Sprintf("client opened even stream id %d", id)}
	}
	a.lastPeerID = id
	end := f.flags.Has(http2.FlagHeadersEndStream)
	contentLength := int64(-1)
	refuse := func(code http2.ErrCode) error {
		a.write(rstOp(id, code))
		a.closed.add(id, stateClosedByUs)
		return nil
	}
	switch {
	case f.dep == id:
		// 5.3.1: a stream cannot depend on itself.
		return refuse(http2.ErrCodeProtocol)
	case !a.phase.takesStreams(), uint32(len(a.streams)) >= a.maxStreams:
		return refuse(http2.ErrCodeRefusedStream)
	case !f.truncated:
		// A truncated header list gets its 431 from the stream instead.
		cl, err := checkRequest(f.fields)
		if err != nil || (end && cl > 0) {
			// 8.1.1: a malformed request is a stream error PROTOCOL_ERROR.
			return refuse(http2.ErrCodeProtocol)
		}
		contentLength = cl
	}
	if a.refuseOverBudget(id) {
		return nil
	}
	e := a.addStream(id)
	a.tally.remoteStreamStarted()
	e.contentLength = contentLength
	// Near the limit, the stream's end must leave our count before the
	// client can see it (Stream.Finish).
	e.s.finishViaConn = uint64(len(a.streams))*4 >= uint64(a.maxStreams)*3
	ev := evHeaders
	if end {
		ev = evHeadersEnd
	}
	e.state, _ = transition(stateIdle, ev)
	e.peerHeader = true
	a.deliver(e, Event{Kind: EventHeaders, Fields: f.fields, Truncated: f.truncated, EndStream: end})
	// The stream starts once the writer knows it (control_backlog.go).
	a.writeThen(backlogged{op: announceOp(id), accept: e})
	return nil
}

func (a *connActor) addStream(id uint32) *streamEntry {
	// A stream in the table is never idle: the client's open or the
	// server's accept moved it on (acceptStream sets the exact state).
	e := &streamEntry{s: newStream(a.c, id), recvAvail: int64(a.streamWindow), state: stateOpen, contentLength: -1}
	a.streams[id] = e
	a.keepaliveWake()
	return e
}

func (a *connActor) onReset(f inFrame) error {
	e, tracked := a.streams[f.streamID]
	if !tracked {
		s, never := a.untracked(f.streamID)
		if never {
			return nil
		}
		_, v := transition(s, evRST)
		if v.kind == ignore {
			// The writer may still hold the stream's last frames.
			a.write(forgetOp(f.streamID))
		}
		return a.judge(f.streamID, v)
	}
	next, v := transition(e.state, evRST)
	if v.kind != accept {
		return a.judge(f.streamID, v)
	}
	e.state = next
	a.writeThenAbort(forgetOp(f.streamID), e, Event{Kind: EventReset, Code: f.code, Unprocessed: f.code == http2.ErrCodeRefusedStream,
		Err: fmt.Errorf("stream reset by the peer with %v", f.code)})
	return nil
}

// onWindowUpdate passes the peer's grant to the writer, if the stream's
// state lets it have one.
func (a *connActor) onWindowUpdate(f inFrame) error {
	if f.streamID != 0 {
		s, never := stateClosedByUs, false
		if e, tracked := a.streams[f.streamID]; tracked {
			s = e.state
		} else {
			s, never = a.untracked(f.streamID)
		}
		// A stream the table forgot may still be sending: the writer owns
		// what it has queued, so a grant for it goes through unless the
		// state makes it an error.
		if _, v := transition(s, evWindowUpdate); v.kind == connError || v.kind == streamError {
			return a.judge(f.streamID, v)
		}
		if never {
			return nil
		}
	}
	a.write(peerWindowOp(f.streamID, f.incr))
	return nil
}

// onPriority: priorities are advisory and we do not act on them (RFC 9113
// 5.3.2 deprecates the scheme), but a stream cannot depend on itself.
func (a *connActor) onPriority(f inFrame) {
	if f.dep != f.streamID {
		return
	}
	if _, tracked := a.streams[f.streamID]; tracked {
		a.resetStream(f.streamID, http2.ErrCodeProtocol, "PRIORITY making the stream depend on itself (RFC 9113 5.3.1)")
		return
	}
	a.log(slog.LevelInfo, "connactor: reset a stream for a protocol violation", "stream", f.streamID, "code", http2.ErrCodeProtocol.String(), "debug", "PRIORITY making the stream depend on itself (RFC 9113 5.3.1)")
	a.write(rstOp(f.streamID, http2.ErrCodeProtocol))
}

// onGoAway: the peer takes no new streams; those above its last stream id
// were never processed and may be retried elsewhere (RFC 9113 6.8).
func (a *connActor) onGoAway(f inFrame) {
	g := GoAway{Code: f.code, LastStreamID: f.lastID, Debug: string(f.debug)}
	a.log(goAwayLevel(g.Code), "connactor: received GOAWAY", "code", g.Code.String(), "last_stream", g.LastStreamID, "debug", g.Debug)
	a.peerGoAway = &g
	if !a.phase.goingAway() {
		// The peer's GOAWAY is why GoingAway closes: the handle's note is
		// filled before the close hands it over (Conn.PeerGoAway).
		*a.c.peerGoAway = goAwayNote{g: g, ok: true}
	}
	a.enter(phPeerGoAway, http2.ErrCodeNo, "graceful shutdown")
	why := fmt.Errorf("the peer sent GOAWAY (%v, last stream %d): %s", f.code, f.lastID, f.debug)
	for id, e := range a.streams {
		if a.role == RoleClient && id > f.lastID && !e.state.recvDone() {
			e.abortOnce(Event{Kind: EventClosed, Unprocessed: true, Err: why})
		}
	}
	a.failWaiting(fmt.Errorf("%w: %v", ErrGoingAway, why))
}
