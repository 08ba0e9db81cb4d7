package connactor

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// writer is the actor that owns the sending side of a connection: the
// framer's write half, the HPACK encoder (so headers are encoded in the
// order they go out), the peer's flow-control windows, and what each
// stream has queued while those windows are spent. It waits on nothing but
// its mailbox and the socket: every reply it gives goes into a channel with
// room for it, so no edge out of the writer can block.
//
// It flushes when its mailbox runs dry, so frames that arrive together
// leave in one syscall.
type writer struct {
	ops  chan writerOp   // from: stream to writer; blocks while full (back-pressure, down the graph); and from: connection to writer; never: it only forwards a stream's last Write and the final close here, and backlogs them
	ctrl chan writerOp   // from: connection to writer; never: the connection sends only when there is room, and backlogs the rest (control_backlog.go)
	quit <-chan struct{} // from: connection to writer; never (closed at shutdown: stop now)
	// held is an op taken from ops while control ops waited: they were
	// sent first (an announce before the stream's first Write), so they
	// go first; holding: held is set.
	held    writerOp
	holding bool

	nc           net.Conn
	writeTimeout time.Duration

	bw   *sendBuf
	fr   *http2.Framer
	henc *hpack.Encoder
	hbuf bytes.Buffer
	dhdr [9]byte // writeData's frame header: a local would escape to the heap with every frame

	streams  map[uint32]*outStream
	runnable []*outStream // streams with queued data and stream window, served round-robin

	connWindow        int64  // what the peer lets us send on the connection
	initialWindow     int64  // the peer's SETTINGS_INITIAL_WINDOW_SIZE
	maxFrameSize      uint32 // the peer's SETTINGS_MAX_FRAME_SIZE
	maxHeaderListSize uint32 // the peer's SETTINGS_MAX_HEADER_LIST_SIZE (0: unlimited)
	dirty             bool   // bytes in bw not yet flushed
	err               error  // the socket failed; the writer ends with it
	// halted: the writer reported a connection fault; it fails every
	// Write and writes only the GOAWAY the connection actor sends it,
	// until opClose (writer_report.go).
	halted bool

	// lent are the Writes done while their Data was lent to bw
	// (sendBuf.lend), with the outcome each is to be finished with: they
	// are finished, in order, once bw has written it (settleLent).
	lent []lentWrite

	// opens are the streams we opened whose HEADERS went into bw since the
	// last complete flush: if the socket fails, those whose HEADERS did
	// not reach it whole were never seen by the peer (see unsentOpens).
	opens []openMark

	// What the writer reports to the connection actor (writer_report.go).
	reports chan writerReport // from: writer to connection; never: room for every report that may wait (writerReports)
	closes  chan sendClose    // from: writer to connection; never: buffered, a report that finds it full is dropped

	// sentNote, if set, gets a token when DATA or HEADERS go out, once per
	// PING we acknowledge (see ping_policy.go); sentNoted: it has one.
	sentNote  chan<- struct{} // from: writer to connection; never (a token in a one-slot channel)
	sentNoted bool
	budget    writerBudget // queued bytes and stalls (writer_budget.go)

	// tally counts the messages sent; the writer publishes it, with its
	// send window, when it is about to wait, and every statsEvery flushes
	// while it is busy (socket_stats.go).
	tally     writerTally
	stats     chan WriterStats // from: writer to connection; never (one slot, the newest replaces one not yet taken)
	published WriterStats      // the last value offered on stats
	flushes   uint32
}

// headerListTooLarge: a header block is over the peer's
// SETTINGS_MAX_HEADER_LIST_SIZE, so sending it would only make the peer
// fail the stream; the stream fails here instead, with a clear reason.
type headerListTooLarge struct {
	size, limit   uint32
	peerSawStream bool // an earlier HEADERS went out, so RST_STREAM is due
}

func (e headerListTooLarge) Error() string {
	return fmt.Sprintf("header list of %d bytes exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE of %d", e.size, e.limit)
}

// checkHeaderList refuses fields over the peer's limit (RFC 9113 6.5.2:
// name + value + 32 per field).
func (w *writer) checkHeaderList(fields []hpack.HeaderField, peerSawStream bool) error {
	if w.maxHeaderListSize == 0 {
		return nil
	}
	var size uint32
	for _, f := range fields {
		size += f.Size()
	}
	if size > w.maxHeaderListSize {
		return headerListTooLarge{size: size, limit: w.maxHeaderListSize, peerSawStream: peerSawStream}
	}
	return nil
}

// lentWrite is a Write whose finish waits for bw to write its Data.
type lentWrite struct {
	wr  Write
	err error
}

// openMark is where the HEADERS of a stream we opened end in the bytes
// the writer has given its buffer.
type openMark struct {
	id  uint32
	end int64
}

// outStream is the writer's view of one stream that may still send.
type outStream struct {
	id        uint32
	local     bool // we opened it (openOp)
	send      sendPhase
	window    int64
	queue     []Write   // the head may be partly written
	runnable  bool      // in writer.runnable
	waitSince time.Time // when its queued data last moved (writer_budget.go)
}

// sendPhase is where the sending half of a stream is (RFC 9113 5.1, our
// side): the writer moves it as frames go out, and reports its end to the
// connection actor (noteSendClose), which keeps the stream's whole state.
type sendPhase uint8

const (
	sendIdle   sendPhase = iota // our HEADERS have not gone out
	sendOpen                    // our HEADERS went out; DATA and trailers may follow
	sendClosed                  // END_STREAM or RST_STREAM went out, or the stream was dropped: a stale runnable entry skips it
)

// peerKnows reports whether the peer knows the stream, so that RST_STREAM
// is legal: it opened the stream, or our HEADERS went out.
func (s *outStream) peerKnows() bool { return !s.local || s.send != sendIdle }

// writerMailbox is how many of the streams' ops wait for the writer
// before their senders do. Every connection holds one, so it is sized for
// bursts, not floods: a flood waits, which is the back-pressure the edge
// is for. (64 did no better than 32 with 64 calls in flight, and cost
// 4 KiB more per end; since the connection's own ops have a mailbox of
// their own, 24 do as well as 32 did.)
const writerMailbox = 24

// smallFlush is the buffered size under which the writer yields once
// before flushing.
const smallFlush = 16 << 10

// quantum is how much DATA one stream writes before the next runnable
// stream gets a turn, so that one large message cannot starve the rest.
const quantum = 64 << 10

func newWriter(nc net.Conn, writeTimeout time.Duration, mailbox int) *writer {
	bw := newSendBuf(nc)
	wr := &writer{
		ops:           make(chan writerOp, mailbox),
		ctrl:          make(chan writerOp, ctrlMailbox),
		reports:       make(chan writerReport, writerReports),
		closes:        make(chan sendClose, sendCloseReports),
		nc:            nc,
		writeTimeout:  writeTimeout,
		bw:            bw,
		fr:            http2.NewFramer(bw, nil),
		streams:       make(map[uint32]*outStream),
		connWindow:    defaultWindow,
		initialWindow: defaultWindow,
		maxFrameSize:  minMaxFrameSize,
		stats:         make(chan WriterStats, 1),
	}
	wr.henc = hpack.NewEncoder(&wr.hbuf)
	return wr
}

// Run is the writer actor's body (actors.Runner: no closure frame on its
// stack) and its loop; it ignores its context (the connection ends it by
// quit). It returns nil after opClose, or a *writeFailed that says which
// of our streams the peer never saw.
func (w *writer) Run(context.Context) (err error) {
	defer func() {
		unsent := w.failAll(ErrConnClosed)
		w.settleLent(ErrConnClosed) // the writer writes no more
		if err != nil {
			err = &writeFailed{err: err, unsent: unsent}
		}
	}()
	// The loop is split so that, while the writer idles, its stack holds
	// run's frame and await's, nothing else: work returns before it waits.
	var awaited writerOp
	var waited, fromStreams bool
	for {
		if stop, err := w.work(&awaited, waited, fromStreams); stop {
			return err
		}
		var ok bool
		if ok, fromStreams = w.await(&awaited); !ok {
			return nil
		}
		waited = true
	}
}

// work writes ops until there is nothing to do but wait: first the one
// await took (awaited, if waited; fromStreams: from the streams'
// mailbox), then those already in the mailboxes. stop: the writer ends,
// with err.
//
//go:noinline
func (w *writer) work(awaited *writerOp, waited, fromStreams bool) (stop bool, err error) {
	for {
		var op writerOp
		if waited {
			op, *awaited = *awaited, writerOp{}
			if fromStreams {
				w.after(&op)
			}
			waited = false
		} else {
			var got bool
			if op, got = w.next(); !got {
				return false, nil
			}
		}
		closing, err := w.handle(op)
		if err == nil && w.err != nil {
			err = w.err
		}
		if err != nil {
			return true, fmt.Errorf("writing to the connection: %w", err)
		}
		if closing {
			if err := w.flush(); err != nil {
				return true, fmt.Errorf("writing to the connection: %w", err)
			}
			return true, nil
		}
	}
}

// next returns the next op without waiting, writing queued DATA while the
// mailbox is empty and flushing once there is nothing left to do; got is
// false when there is nothing to do but wait (await). It returns before
// the writer waits so that its frame (large: ops are big values) is off
// the stack while the writer idles: a goroutine parked on a shallow stack
// keeps the smallest stack (the runtime halves a stack at GC while it
// uses under a quarter).
func (w *writer) next() (op writerOp, got bool) {
	yielded := false
	for {
		if op, ok := w.poll(); ok {
			return op, true
		}
		if w.err != nil {
			return closeOp(), true
		}
		if len(w.runnable) > 0 && w.connWindow > 0 {
			w.serveRunnable()
			continue
		}
		if w.dirty && !yielded && w.bw.Buffered() < smallFlush {
			// Little to send: let the streams that are about to write do
			// so first, so that one syscall carries them all (grpc-go's
			// writer does the same).
			yielded = true
			runtime.Gosched()
			continue
		}
		yielded = false
		if w.dirty {
			if err := w.flush(); err != nil {
				w.err = err
				return closeOp(), true
			}
		}
		w.publishStats() // about to wait: nothing is waiting on us
		return writerOp{}, false
	}
}

// await waits for the next op, into op: the writer's only parking point.
// fromStreams: op came from the streams' mailbox (see after). Its frame
// is most of the writer's stack while it idles, so it is kept out of
// run's (noinline) and holds nothing but the select.
//
//go:noinline
func (w *writer) await(op *writerOp) (ok, fromStreams bool) {
	select {
	case *op = <-w.ctrl:
		return true, false
	case *op = <-w.ops:
		return true, true
	case <-w.quit:
		return false, false
	}
}

// poll takes the next op without waiting: the connection's control ops
// first, then a held op, then the streams'.
func (w *writer) poll() (writerOp, bool) {
	select {
	case op := <-w.ctrl:
		return op, true
	default:
	}
	if w.holding {
		w.holding = false
		return w.held, true
	}
	select {
	case op := <-w.ops:
		w.after(&op)
		return op, true
	default:
	}
	return writerOp{}, false
}

// after leaves op, taken from the streams' mailbox, unless control ops
// wait: then op becomes the first of them and the stream's is held. The
// connection sent those before a stream could send op (it announces a
// stream before the stream can write), so op waits for them.
func (w *writer) after(op *writerOp) {
	select {
	case first := <-w.ctrl:
		w.held, w.holding = *op, true
		*op = first
	default:
	}
}

func (w *writer) flush() error {
	w.dirty = false
	if w.bw.Buffered() == 0 {
		return nil
	}
	w.nc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
	err := w.bw.Flush()
	w.settleLent(err)
	if err != nil {
		return err
	}
	w.opens = w.opens[:0] // all of it is out
	if w.flushes++; w.flushes%statsEvery == 0 {
		w.publishStats() // a writer that never waits publishes too
	}
	return nil
}

// release finishes wr (see Write.finish), or, while bw may still hold
// part of its Data lent, records it to be finished once bw has written
// that: the sender may reuse the buffer, or bufpool hand it out, as soon
// as it is finished. Writes are finished in the order they were done,
// so a Write waits too while earlier ones wait (the send pipe counts on
// one acknowledgement answering for every Write before it).
func (w *writer) release(wr Write, err error) {
	if w.bw.lending() && (wr.sent > 0 || len(w.lent) > 0) {
		w.lent = append(w.lent, lentWrite{wr: wr, err: err})
		return
	}
	w.settleLent(nil)
	wr.finish(err)
}

// settleLent finishes the lent Writes, bw having written (or, with
// failure, failed to write) what it was lent; a Write that was dropped
// keeps its own reason.
func (w *writer) settleLent(failure error) {
	for i := range w.lent {
		l := &w.lent[i]
		err := l.err
		if err == nil {
			err = failure
		}
		l.wr.finish(err)
		*l = lentWrite{}
	}
	w.lent = w.lent[:0]
}

func (w *writer) handle(op writerOp) (closing bool, err error) {
	if !w.dirty {
		// The first bytes after a flush may reach the socket (the buffer
		// writes through when full): bound how long it may refuse them.
		w.nc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
		w.dirty = true
	}
	if w.halted && op.kind != opGoAway && op.kind != opClose {
		if op.kind == opWrite || op.kind == opOpen {
			w.release(op.write, ErrConnClosed)
		}
		return false, nil
	}
	switch op.kind {
	case opOpen:
		w.addStream(op.write.StreamID).local = true
		return false, w.enqueue(op.write)
	case opWrite:
		return false, w.enqueue(op.write)
	case opAnnounce:
		w.addStream(op.streamID)
	case opForget:
		w.dropStream(op.streamID, ErrStreamClosed)
	case opPeerWindow:
		w.grant(op.streamID, op.incr)
	case opPeerSettings:
		w.applyPeerSettings(op.rare.settings)
	case opSettingsAck:
		return false, w.fr.WriteSettingsAck()
	case opSettings:
		return false, w.fr.WriteSettings(op.rare.settings...)
	case opPing:
		return false, w.fr.WritePing(false, op.ping)
	case opPingAck:
		w.sentNoted = false
		return false, w.fr.WritePing(true, op.ping)
	case opWindowUpdate:
		return false, w.fr.WriteWindowUpdate(op.streamID, op.incr)
	case opRST:
		w.dropStream(op.streamID, ErrStreamClosed)
		return false, w.fr.WriteRSTStream(op.streamID, op.code)
	case opGoAway:
		if err := w.fr.WriteGoAway(op.streamID, op.code, op.rare.debug); err != nil {
			return false, err
		}
		return false, w.flush()
	case opStallCheck:
		w.checkStalls(time.Now(), op.rare.stall, op.rare.connStall)
	case opClose:
		return true, nil
	}
	return false, nil
}

func (w *writer) addStream(id uint32) *outStream {
	s := &outStream{id: id, window: w.initialWindow}
	w.streams[id] = s
	return s
}

// dropStream forgets a stream and fails whatever it had queued.
func (w *writer) dropStream(id uint32, reason error) {
	s, ok := w.streams[id]
	if !ok {
		return
	}
	delete(w.streams, id)
	s.send = sendClosed
	var unsent int64
	for i := range s.queue {
		unsent += int64(len(s.queue[i].unsent()))
	}
	if unsent > 0 {
		w.queuedDelta(-unsent)
	}
	for i := range s.queue {
		w.release(s.queue[i], reason)
	}
	s.queue = nil
}

// failAll fails every queued write when the writer ends, and returns the
// streams we opened that the peer never saw: their HEADERS did not reach
// the socket whole, or never left the mailbox.
func (w *writer) failAll(reason error) (unsent []uint32) {
	unsent = w.unsentOpens()
	for id := range w.streams {
		w.dropStream(id, reason)
	}
	fail := func(op writerOp) {
		if op.kind == opWrite || op.kind == opOpen {
			w.release(op.write, reason)
		}
		if op.kind == opOpen {
			unsent = append(unsent, op.write.StreamID)
		}
	}
	if w.holding {
		w.holding = false
		fail(w.held)
	}
	for {
		select {
		case op := <-w.ctrl:
			fail(op)
		case op := <-w.ops:
			fail(op)
		default:
			return unsent
		}
	}
}

// unsentOpens lists the streams we opened whose HEADERS the socket did
// not take whole: bytes the kernel never accepted cannot have reached the
// peer, and a header block cut short cannot have been acted on.
func (w *writer) unsentOpens() []uint32 {
	var ids []uint32
	for _, m := range w.opens {
		if m.end > w.bw.out {
			ids = append(ids, m.id)
		}
	}
	for id, s := range w.streams {
		if s.local && s.send == sendIdle {
			ids = append(ids, id)
		}
	}
	return ids
}

// enqueue runs a stream's Write as far as the windows allow and queues the
// rest behind whatever the stream already has queued.
func (w *writer) enqueue(wr Write) error {
	wr.ends = wr.endsSending()
	s, ok := w.streams[wr.StreamID]
	if !ok {
		if wr.onlyReset() && !wr.IfSending {
			// A reset of a stream whose sending side already ended is still
			// news to the peer (RFC 9113 5.1 allows it just after close).
			w.release(wr, nil)
			return w.fr.WriteRSTStream(wr.StreamID, wr.ResetCode)
		}
		w.release(wr, ErrStreamClosed)
		return nil
	}
	if len(wr.Data) > 0 {
		w.tally.messagesSent++ // a stream's Write carries one message
		w.tally.unstamped = true
	}
	if len(s.queue) > 0 {
		if wr.onlyReset() {
			// A reset must not wait behind data the peer's window holds
			// back: that data is moot now, and the peer must learn of the
			// reset (a cancelled call) at once.
			w.dropStream(s.id, ErrStreamClosed)
			w.release(wr, nil)
			w.noteSendClose(s.id, true)
			return w.fr.WriteRSTStream(wr.StreamID, wr.ResetCode)
		}
		w.queueWrite(s, wr)
		return nil
	}
	// Nothing queued: write it straight away, and queue only what the
	// windows hold back (the common case costs no queue).
	budget := quantum
	done, err := w.progress(s, &wr, &budget)
	if err != nil {
		w.release(wr, err)
		return w.progressFailed(s, err)
	}
	if done {
		w.completed(s, wr)
		return nil
	}
	w.queueWrite(s, wr)
	w.markRunnable(s)
	return nil
}

// completed reports a Write done and forgets a stream that can send no
// more, telling the connection actor its sending side closed.
func (w *writer) completed(s *outStream, wr Write) {
	w.release(wr, nil)
	if wr.ends {
		w.dropStream(s.id, ErrStreamClosed)
		w.noteSendClose(s.id, wr.Reset)
	}
}

// serveRunnable gives the first runnable stream one turn.
func (w *writer) serveRunnable() {
	s := w.runnable[0]
	// Shift down rather than reslice, so that the array is reused by the
	// appends that follow instead of reallocated.
	n := copy(w.runnable, w.runnable[1:])
	w.runnable[n] = nil
	w.runnable = w.runnable[:n]
	s.runnable = false
	if s.send == sendClosed {
		return
	}
	if err := w.serve(s, quantum); err != nil {
		w.err = err
	}
}

// serve writes from the head of s's queue until budget bytes of DATA went
// out, the windows are spent, or the queue is empty.
func (w *writer) serve(s *outStream, budget int) error {
	defer w.served(s, budget, &budget)
	for len(s.queue) > 0 && s.send != sendClosed {
		done, err := w.progress(s, &s.queue[0], &budget)
		if err != nil {
			return w.progressFailed(s, err)
		}
		if !done {
			break
		}
		head := s.queue[0]
		s.queue[0] = Write{}
		s.queue = s.queue[1:]
		w.completed(s, head)
	}
	w.markRunnable(s)
	return nil
}

// progressFailed handles a failed write: a header list over the peer's
// limit fails its stream alone; anything else is the socket's failure.
func (w *writer) progressFailed(s *outStream, err error) error {
	var tooLarge headerListTooLarge
	if errors.As(err, &tooLarge) {
		w.failStream(s, tooLarge)
		return nil
	}
	return err
}

// failStream ends a stream that cannot send what it asked to: its writes
// fail with the reason, and the connection actor resets it.
func (w *writer) failStream(s *outStream, reason headerListTooLarge) {
	w.dropStream(s.id, reason)
	w.reportFault(streamFault{id: s.id, code: http2.ErrCodeInternal, peerKnows: reason.peerSawStream, err: reason})
}

func (w *writer) markRunnable(s *outStream) {
	if s.send == sendClosed || s.runnable || len(s.queue) == 0 || s.window <= 0 {
		return
	}
	s.runnable = true
	w.runnable = append(w.runnable, s)
}

// progress advances one Write. It reports done when all of it is written.
func (w *writer) progress(s *outStream, wr *Write, budget *int) (bool, error) {
	if wr.Header != nil {
		header := wr.Header
		wr.Header = nil
		if s.send == sendIdle {
			if wr.Trailer != nil && len(wr.unsent()) == 0 && !wr.SeparateHeader {
				// Trailers-only: the headers and the status in one frame.
				fields := append(append(make([]hpack.HeaderField, 0, len(header)+len(wr.Trailer)), header...), wr.Trailer...)
				if err := w.checkHeaderList(fields, s.peerKnows()); err != nil {
					return false, err
				}
				s.send = sendOpen
				wr.Trailer = nil
				wr.EndStream = false
				if err := w.writeHeaders(s.id, fields, true); err != nil {
					return false, err
				}
				return true, w.writeReset(wr)
			}
			if err := w.checkHeaderList(header, s.peerKnows()); err != nil {
				return false, err
			}
			s.send = sendOpen
			endNow := len(wr.unsent()) == 0 && wr.Trailer == nil && wr.EndStream
			if endNow {
				wr.EndStream = false
			}
			if err := w.writeHeaders(s.id, header, endNow); err != nil {
				return false, err
			}
			if s.local {
				w.opens = append(w.opens, openMark{id: s.id, end: w.bw.taken})
			}
		}
	}
	for rest := wr.unsent(); len(rest) > 0; rest = wr.unsent() {
		n := min(int64(len(rest)), int64(w.maxFrameSize), s.window, w.connWindow, int64(*budget))
		if n <= 0 {
			return false, nil
		}
		last := n == int64(len(rest))
		end := last && wr.Trailer == nil && wr.EndStream
		if end {
			wr.EndStream = false
		}
		if err := w.writeData(s.id, end, rest[:n]); err != nil {
			return false, err
		}
		wr.sent += uint32(n)
		s.window -= n
		w.connWindow -= n
		*budget -= int(n)
	}
	if wr.EndStream {
		// Half-close with nothing left to carry it: an empty DATA frame.
		wr.EndStream = false
		if err := w.writeData(s.id, true, nil); err != nil {
			return false, err
		}
	}
	if wr.Trailer != nil {
		if err := w.checkHeaderList(wr.Trailer, true); err != nil {
			return false, err
		}
		trailer := wr.Trailer
		wr.Trailer = nil
		if err := w.writeHeaders(s.id, trailer, true); err != nil {
			return false, err
		}
	}
	return true, w.writeReset(wr)
}

func (w *writer) writeReset(wr *Write) error {
	if !wr.Reset {
		return nil
	}
	return w.fr.WriteRSTStream(wr.StreamID, wr.ResetCode)
}

// writeHeaders encodes fields and sends them as HEADERS plus as many
// CONTINUATION frames as the peer's max frame size needs.
func (w *writer) writeHeaders(id uint32, fields []hpack.HeaderField, endStream bool) error {
	w.noteSent()
	w.hbuf.Reset()
	for _, f := range fields {
		if err := w.henc.WriteField(f); err != nil {
			return fmt.Errorf("encoding header %q: %w", f.Name, err)
		}
	}
	block := w.hbuf.Bytes()
	max := int(w.maxFrameSize)
	first := block
	if len(first) > max {
		first = block[:max]
	}
	block = block[len(first):]
	err := w.fr.WriteHeaders(http2.HeadersFrameParam{
		StreamID:      id,
		BlockFragment: first,
		EndStream:     endStream,
		EndHeaders:    len(block) == 0,
	})
	for err == nil && len(block) > 0 {
		frag := block
		if len(frag) > max {
			frag = block[:max]
		}
		block = block[len(frag):]
		err = w.fr.WriteContinuation(id, len(block) == 0, frag)
	}
	return err
}

// grant applies a WINDOW_UPDATE from the peer. An increment that overflows
// the window is the peer's error (RFC 9113 6.9.1): for a stream, the stream
// is dropped and reported; for the connection, the writer halts and
// reports. The connection actor decides what goes to the peer.
func (w *writer) grant(id uint32, incr uint32) {
	if id == 0 {
		w.connWindow += int64(incr)
		if w.connWindow > maxWindow {
			w.halt(protocolError{code: http2.ErrCodeFlowControl, msg: "the peer overflowed the connection's send window"})
		}
		return
	}
	s, ok := w.streams[id]
	if !ok {
		return
	}
	s.window += int64(incr)
	if s.window > maxWindow {
		w.dropStream(id, ErrStreamClosed)
		w.reportFault(streamFault{id: id, code: http2.ErrCodeFlowControl, peerKnows: true, err: errors.New("the peer overflowed the stream's send window")})
		return
	}
	w.markRunnable(s)
}

func (w *writer) applyPeerSettings(settings []http2.Setting) {
	for _, st := range settings {
		switch st.ID {
		case http2.SettingInitialWindowSize:
			delta := int64(st.Val) - w.initialWindow
			w.initialWindow = int64(st.Val)
			for _, s := range w.streams {
				s.window += delta
				w.markRunnable(s)
			}
		case http2.SettingMaxFrameSize:
			w.maxFrameSize = st.Val
		case http2.SettingHeaderTableSize:
			w.henc.SetMaxDynamicTableSizeLimit(st.Val)
		case http2.SettingMaxHeaderListSize:
			w.maxHeaderListSize = st.Val
		}
	}
}

// writeData writes a DATA frame straight into the buffered writer: the
// framer would first copy the payload into a frame buffer of its own, one
// copy too many for every byte a stream sends. A large payload is lent to
// bw rather than copied (sendBuf.lend): the Write it lies in is finished
// only once bw has written it (release).
func (w *writer) writeData(id uint32, endStream bool, data []byte) error {
	w.noteSent()
	h := &w.dhdr
	n := len(data)
	h[0], h[1], h[2] = byte(n>>16), byte(n>>8), byte(n)
	h[3] = byte(http2.FrameData)
	h[4] = 0
	if endStream {
		h[4] = byte(http2.FlagDataEndStream)
	}
	binary.BigEndian.PutUint32(h[5:], id&(1<<31-1))
	if _, err := w.bw.Write(h[:]); err != nil {
		return err
	}
	err := w.bw.lend(data)
	if len(w.lent) > 0 && !w.bw.lending() {
		w.settleLent(err) // bw wrote out what it was lent
	}
	return err
}

// writeFailed is how the writer ends when the socket (or encoding) fails:
// the cause, and the streams we opened that the peer never saw, which the
// connection actor ends as unprocessed so that they are retried.
type writeFailed struct {
	err    error
	unsent []uint32
}

func (e *writeFailed) Error() string { return e.err.Error() }
func (e *writeFailed) Unwrap() error { return e.err }
