package actors

import "time"

// Counts is an actor's tally of its own traffic since it started: the
// messages it took from its mailboxes (In) and those it handed to other
// actors (Out). The actor owns it: a field of its state, touched only by
// its own loop where it receives and sends, and copied into its answer
// when probed (Report.Counts). No counter is shared between goroutines,
// so counting costs an increment and nothing else.
//
// Rates are the reader's business: whoever samples the totals over time
// (rpc/debug's sampler) divides the difference by the time between.
type Counts struct {
	Since   time.Time // when the actor began: its age. Zero: it keeps no tally
	In, Out uint64
}

// StartCounts is a tally that starts now, for an actor as it begins.
func StartCounts() Counts { return Counts{Since: time.Now()} }

// Counted reports whether the actor keeps a tally (c came from a probe
// that told one).
func (c Counts) Counted() bool { return !c.Since.IsZero() }
