package rpc

import (
	"context"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// streamAttempts is a streaming call's attempts (A6): the attempt in
// force, the replay buffer, and the core that decides on retries. A
// streaming call has two goroutines of the application (one sending, one
// receiving), and either may find that the attempt ended; the one that
// holds the streamAttempts decides and, when the core says so, opens the
// next attempt and replays on it what was sent. It passes between them by
// the call's baton channel, which holds it while neither does (see
// clientStream.take).
type streamAttempts struct {
	s     *clientStream // immutable: the call
	cs    *streamactor.ClientStream
	stats *attemptStats // the attempt's stats; nil without stats handlers
	gen   int32         // the attempt's number: a goroutine that saw an older one knows it is stale
	core  attemptCore
	// The replay buffer: every framed message sent while the call is
	// uncommitted (the writer only reads them), and whether CloseSend
	// was (closed), so that a new attempt sends the same.
	sent      [][]byte
	sentBytes int
	// sentStats is, beside sent when the client has stats handlers, each
	// message as the application gave it: a replay tells its OutPayload.
	sentStats []sentPayload
	closed    bool
	// (Beside closed, so that the bools share a word.)
	committed bool
	limited   bool // the method config's message limits are applied (once: both goroutines read them)
	// reserved is the room the channel granted in its retry buffer for
	// sent; freed closes when it is given back, which ends the actor
	// that gives it back if the call is abandoned.
	reserved int
	freed    chan struct{} // from: call to replay-buffer actor; never: the holder of the attempts closes it
	// How the call stands.
	final *status.Status // the call gave up with it; no attempt follows
	// race is a hedged call's hedges (stream_hedging.go); nil for every
	// other call, which so carries no hedging state.
	race *hedgeRace
}

// hedgeRace is a hedged call's attempts racing, and decided, closed when
// the call picks one or gives up.
type hedgeRace struct {
	hedges  []*hedge
	decided chan struct{}   // from: call to call; never: the holder of the attempts closes it
	events  chan hedgeEvent // from: hedge watcher to hedges actor; never: once each, room for every attempt
}

// racing is the hedges running (none for a call that does not hedge).
func (a *streamAttempts) racing() []*hedge {
	if a.race == nil {
		return nil
	}
	return a.race.hedges
}

// attemptView is what one of the call's goroutines knows of the attempt
// in force. Once committed, the attempt never changes, so the goroutine
// uses it without the baton.
type attemptView struct {
	cs        *streamactor.ClientStream // nil while a hedged call has not picked an attempt
	stats     *attemptStats             // the attempt's stats handlers' view; nil without handlers
	decided   chan struct{}             // from: call to call; never: a hedged call's decided; nil otherwise
	gen       int32                     // beside committed, so that they share a word (a call holds three views)
	committed bool
}

func (a *streamAttempts) view() attemptView {
	v := attemptView{cs: a.cs, stats: a.stats, gen: a.gen, committed: a.committed}
	if a.race != nil {
		v.decided = a.race.decided
	}
	return v
}

// replayChunk is how much room a stream asks the channel for at a time.
const replayChunk = 16 << 10

// commit binds the call to the attempt in force: the replay buffer goes,
// and its room in the channel's retry buffer.
func (a *streamAttempts) commit() {
	a.committed = true
	a.core.commit()
	clear(a.sent)
	a.sent, a.sentBytes = nil, 0
	clear(a.sentStats)
	a.sentStats = nil
	a.release()
}

// release gives the replay buffer's room back to the channel.
func (a *streamAttempts) release() {
	if a.reserved > 0 {
		a.s.cc.endRetries(a.reserved, false)
		a.reserved = 0
	}
	if a.freed != nil {
		close(a.freed)
		a.freed = nil
	}
}

// sentPayload is a message sent, for the stats of its replays: as the
// application gave it, and its size before compression.
type sentPayload struct {
	m      any
	length int
}

// keep adds framed (m, length bytes before compression) to the replay
// buffer; false when it would pass the call's retry buffer limit, or the
// channel's (the call then commits).
func (a *streamAttempts) keep(framed []byte, m any, length int) bool {
	limit := a.s.cc.opts.retryBufferSize
	need := a.sentBytes + len(framed)
	if need > limit {
		return false
	}
	if need > a.reserved {
		more := min(max(need-a.reserved, replayChunk), limit-a.reserved)
		if !a.s.cc.reserveRetryBuffer(more) {
			return false
		}
		a.reserved += more
		a.watchAbandon()
	}
	a.sent = append(a.sent, framed)
	a.sentBytes += len(framed)
	if len(a.s.cc.opts.stats) > 0 {
		a.sentStats = append(a.sentStats, sentPayload{m, length})
	}
	return true
}

// watchAbandon starts, with the first reservation, the actor that gives
// the room back when the call's context ends before the call commits or
// its status is read: an application that abandons a stream cancels its
// context, and then no goroutine of the call may ever run again.
func (a *streamAttempts) watchAbandon() {
	if a.freed != nil {
		return
	}
	freed := make(chan struct{})
	a.freed = freed
	s := a.s
	actors.Spawn(s.parent, "replay buffer "+s.method, func(ctx context.Context) error {
		select {
		case <-freed:
		case <-ctx.Done():
			held := s.take()
			held.release()
			s.put(held)
		}
		return nil
	})
}

// open opens the call's first attempt, and the next ones as the core
// decides when it cannot. The first pick tells the method's config.
func (a *streamAttempts) open() *status.Status {
	s := a.s
	picked, err := s.cc.pick(s.parent, s.method, &s.ci, s.start, 0)
	if err != nil {
		return status.Convert(s.cc.pickFailed(s.parent, s.method, &s.ci, s.desc, false, err))
	}
	a.core.init(picked.method.RetryPolicy, picked.method.HedgingPolicy, picked.throttled, s.cc.opts.disableRetry)
	if a.core.hedge != nil {
		if e, ok := a.openHedged(picked); !ok {
			return a.retry(e)
		}
		return nil
	}
	if st, ok := a.start(picked); !ok {
		return a.retry(st)
	}
	return nil
}

// start makes an attempt on picked: the request headers, the stream, and
// the replay of what the call sent so far. ok is false when it failed;
// st is then how.
func (a *streamAttempts) start(picked pickedCall) (_ attemptEnd, ok bool) {
	s := a.s
	transparent := a.core.nextTransparent
	a.core.launched()
	var as *attemptStats
	fail := func(st *status.Status, unprocessed bool) (attemptEnd, bool) {
		picked.cancel()
		a.final = st
		as.endStatus(nil, st)
		return attemptEnd{code: st.Code(), unprocessed: unprocessed}, false
	}
	if err := a.applyLimits(picked); err != nil {
		a.commit() // the call's own settings failed: no attempt would do better
		return fail(status.Convert(err), false)
	}
	head := s.cc.requestHead(picked.ctx, s.method, s.comp)
	head.PreviousAttempts = a.core.previous
	if err := s.cc.addPerRPCMetadata(picked.ctx, &head.Metadata, s.method, picked.conn, &s.ci); err != nil {
		a.commit()
		return fail(status.Convert(err), false)
	}
	attempt := picked
	as, err := s.beginAttempt(&attempt, &head, transparent)
	if err != nil {
		a.commit() // a stats handler panicked: the call ends with Internal
		return fail(status.Convert(err), false)
	}
	cs, st := streamactor.NewClientStream(attempt.ctx, picked.conn, head, s.ci.maxRecvMsgSize)
	if st != nil {
		// The stream never opened: the server cannot have seen it.
		return fail(st, s.parent.Err() == nil)
	}
	a.final = nil
	a.cs, a.stats = cs, as
	a.gen++
	s.ci.notePeer(picked.conn)
	if picked.method.Timeout != 0 {
		// The config's timeout made a context of our own: release it when
		// the attempt ends.
		actors.Spawn(s.parent, "release "+s.method, func(context.Context) error {
			<-cs.Done()
			picked.cancel()
			return nil
		})
	}
	for i, m := range a.sent {
		if st := cs.Send(m, true); st != nil {
			return a.ended(st), false
		}
		if as != nil {
			if err := as.outPayload(a.sentStats[i].m, a.sentStats[i].length, len(m)); err != nil {
				a.commit()
				return fail(status.Convert(err), false)
			}
		}
	}
	if a.closed {
		cs.CloseSend()
	}
	return attemptEnd{}, true
}

// applyLimits applies the method config's message limits to the call's
// options, at its first attempt only: later, its sending and receiving
// goroutines read them without the baton.
func (a *streamAttempts) applyLimits(picked pickedCall) error {
	if a.limited {
		return nil
	}
	a.limited = true
	return a.s.ci.applyMethodLimits(picked.method, 0)
}

// ended is how the attempt in force ended, with st; it waits for its end.
func (a *streamAttempts) ended(st *status.Status) attemptEnd {
	headerReceived, unprocessed := a.cs.Outcome()
	a.final = st
	e := attemptEnd{code: st.Code(), unprocessed: unprocessed, committed: headerReceived || a.committed}
	e.pushback, e.pushedFor = pushback(a.cs.Trailer())
	a.stats.endStatus(a.cs.Trailer(), st)
	return e
}

// retry follows the core's decisions after an attempt ended with e, until
// an attempt runs (nil) or the call gives up (its final status).
func (a *streamAttempts) retry(e attemptEnd) *status.Status {
	s := a.s
	step := a.core.ended(e)
	for {
		switch step.act {
		case actAskThrottle:
			step = a.core.throttleSaid(s.cc.retryAllowed(s.parent))
			continue
		case actSleep:
			if !sleep(s.parent, step.delay) {
				a.final = status.FromContextError(s.parent.Err())
				return a.final
			}
			step = a.core.timerFired()
			continue
		case actLaunch:
			transparent := a.core.nextTransparent
			picked, err := s.cc.pick(s.parent, s.method, &s.ci, s.start, 0)
			if err != nil {
				a.final = status.Convert(s.cc.pickFailed(s.parent, s.method, &s.ci, s.desc, transparent, err))
				return a.final
			}
			e, ok := a.start(picked)
			if ok {
				return nil
			}
			step = a.core.ended(e)
			continue
		}
		a.commit() // nothing will be replayed any more
		return a.final
	}
}

// attemptEnded is what a goroutine of the call does when the attempt it
// used (seen) ended with st, a failure, before it knew the call committed.
// It returns the attempt in force, which is a new one when another
// goroutine, or this one now, retried; or else the call's status.
func (s *clientStream) attemptEnded(seen attemptView, st *status.Status) (attemptView, *status.Status) {
	a := s.take()
	defer s.put(a)
	switch {
	case a.gen != seen.gen:
		return a.view(), nil
	case a.final != nil:
		return a.view(), a.final
	case a.committed:
		return a.view(), st
	}
	if final := a.retry(a.ended(st)); final != nil {
		return a.view(), final
	}
	return a.view(), nil
}

// take waits for the call's attempts: the other goroutine of the call
// holds them only while it decides, waits a backoff bounded by the call's
// context, or opens and replays an attempt.
func (s *clientStream) take() *streamAttempts { return <-s.baton }

func (s *clientStream) put(a *streamAttempts) { s.baton <- a }
