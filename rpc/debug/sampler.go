package debug

import (
	"context"
	"time"

	"github.com/actorpc/actorpc/actors"
)

const (
	interval       = time.Second      // how often the sampler inspects while watched
	window         = 10 * time.Second // how far back the rates look
	restAfter      = 30 * time.Second // no request for this long: the sampler rests
	inspectTimeout = time.Second      // bounds one inspection of all the roots
	endedRing      = 64               // ended actors kept
	maxGone        = 1024             // actors no longer listed, watched until they end
	goneFor        = time.Minute      // an unlisted actor still running is forgotten after this
	maxChildren    = 500              // children of one actor shown; the rest are counted
)

// sampler is the page's actor: it inspects the roots once a second while
// the page is watched, keeps each actor's totals over the window (the
// rates), and the ring of ended actors. Everything below is owned by its
// loop; the handler only asks it for the newest Snapshot.
//
// receiver: debug sampler
type sampler struct {
	roots []Root
	asks  chan chan<- Snapshot // from: http handler to debug sampler; blocks (Ask, bounded by the request's context)

	// Owned by the loop.
	seq     uint64                 // the last ID given
	tracked map[*actors.Ref]*track // actors listed in the last sample
	gone    map[*actors.Ref]*track // no longer listed: watched until they end
	ended   []Ended                // the ring, oldest first
	began   time.Time              // the first sample of this watch
	lastAsk time.Time
	last    Snapshot
}

// track is what the sampler keeps of one actor between samples.
type track struct {
	id         uint64
	kind       string
	name       string
	parent     string
	firstSeen  time.Time
	atStart    bool // there at the first sample of the watch: its age is at least
	lastSeen   time.Time
	age        float64
	ageAtLeast bool
	counted    bool
	samples    []sample // the window's totals, oldest first
	recorded   bool     // its end is in the ring already
}

type sample struct {
	at      time.Time
	in, out uint64
}

func newSampler(roots []Root) *sampler {
	return &sampler{roots: roots, asks: make(chan chan<- Snapshot)}
}

func (s *sampler) run(ctx context.Context) error {
	var ticker *time.Ticker
	var tick <-chan time.Time
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		select {
		case reply := <-s.asks:
			now := time.Now()
			s.lastAsk = now
			if ticker == nil {
				// Watched again: begin afresh (the totals of a rest
				// would make stale rates), sample now, then each second.
				s.begin(now)
				s.sample(ctx, now)
				ticker = time.NewTicker(interval)
				tick = ticker.C
			}
			reply <- s.last
		case now := <-tick:
			if now.Sub(s.lastAsk) > restAfter {
				ticker.Stop()
				ticker, tick = nil, nil
				s.tracked, s.gone = nil, nil
				continue
			}
			s.sample(ctx, now)
		case <-ctx.Done():
			return nil
		}
	}
}

// begin starts a watch: every actor seen now was there before it.
func (s *sampler) begin(now time.Time) {
	s.began = now
	s.tracked = make(map[*actors.Ref]*track)
	s.gone = make(map[*actors.Ref]*track)
}

// sample inspects every root and makes the newest Snapshot.
func (s *sampler) sample(ctx context.Context, now time.Time) {
	ictx, cancel := context.WithTimeout(ctx, inspectTimeout)
	infos := make([]actors.Info, len(s.roots))
	for i, r := range s.roots {
		infos[i] = r.Inspect(ictx)
	}
	cancel()
	seen := make(map[*actors.Ref]bool)
	snap := Snapshot{Taken: now, Window: window.Seconds(), Interval: interval.Seconds()}
	for _, info := range infos {
		snap.Roots = append(snap.Roots, s.node(info, "", now, seen))
		snap.Live += info.Live()
	}
	s.noteVanished(now, seen)
	snap.Ended = make([]Ended, len(s.ended))
	for i, e := range s.ended {
		snap.Ended[len(s.ended)-1-i] = e // newest first
	}
	s.last = snap
}

// noteVanished moves the actors no longer listed to gone, and those of
// gone that have ended to the ring.
func (s *sampler) noteVanished(now time.Time, seen map[*actors.Ref]bool) {
	for ref, t := range s.tracked {
		if seen[ref] {
			continue
		}
		delete(s.tracked, ref)
		if !t.recorded && len(s.gone) < maxGone {
			s.gone[ref] = t
		}
	}
	for ref, t := range s.gone {
		select {
		case <-ref.Done():
			s.record(t, ref.Err(), now)
			delete(s.gone, ref)
		default:
			if seen[ref] || now.Sub(t.lastSeen) > goneFor {
				delete(s.gone, ref) // listed again (a probe that timed out), or lost
			}
		}
	}
}

// record puts t's end in the ring, once.
func (s *sampler) record(t *track, err error, now time.Time) {
	if t.recorded {
		return
	}
	t.recorded = true
	e := Ended{ID: t.id, Kind: t.kind, Name: t.name, Parent: t.parent, Age: t.age, AgeAtLeast: t.ageAtLeast, At: now, Reason: reason(err)}
	if t.counted && len(t.samples) > 0 {
		last := t.samples[len(t.samples)-1]
		e.In, e.Out = &last.in, &last.out
	}
	if len(s.ended) == endedRing {
		s.ended = append(s.ended[:0], s.ended[1:]...)
	}
	s.ended = append(s.ended, e)
}

// reason is an exit reason as the page shows it.
func reason(err error) string {
	if err == nil {
		return "finished"
	}
	return err.Error()
}
