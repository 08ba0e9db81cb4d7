package debug

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/actorpc/actorpc/actors"
)

// node makes info's Node, and its children's, updating what the sampler
// keeps of each; seen collects every actor listed.
func (s *sampler) node(info actors.Info, parent string, now time.Time, seen map[*actors.Ref]bool) Node {
	t := s.trackOf(info, parent, now)
	seen[info.Ref] = true
	n := Node{ID: t.id, Kind: t.kind, Name: info.Name, Running: info.Running, State: info.State}
	if info.Counts.Counted() {
		n.Age = now.Sub(info.Counts.Since).Seconds()
	} else {
		n.Age, n.AgeAtLeast = now.Sub(t.firstSeen).Seconds(), t.atStart
	}
	if info.Running {
		t.age, t.ageAtLeast = n.Age, n.AgeAtLeast
	}
	if info.MailboxCap >= 0 {
		n.Mailbox = &Mailbox{Depth: info.MailboxDepth, Capacity: info.MailboxCap}
	}
	if info.Counts.Counted() {
		t.counted = true
		t.add(sample{at: now, in: info.Counts.In, out: info.Counts.Out})
		n.In, n.Out = &info.Counts.In, &info.Counts.Out
		n.InRate, n.OutRate = t.rates()
	}
	if info.Stats != nil {
		n.Stats, n.StatsType = statsJSON(info.Stats)
	}
	if !info.Running {
		n.Reason = reason(info.ExitReason)
		s.record(t, info.ExitReason, now)
	}
	for _, c := range info.Children {
		n.Children = append(n.Children, s.node(c, info.Name, now, seen))
	}
	sort.SliceStable(n.Children, func(i, j int) bool {
		a, b := n.Children[i], n.Children[j]
		if ra, rb := kindRank(a.Kind), kindRank(b.Kind); ra != rb {
			return ra < rb
		}
		return a.ID < b.ID
	})
	if len(n.Children) > maxChildren {
		n.More = len(n.Children) - maxChildren
		n.Children = n.Children[:maxChildren]
	}
	return n
}

// trackOf is what the sampler keeps of info's actor, new if it is new.
func (s *sampler) trackOf(info actors.Info, parent string, now time.Time) *track {
	t := s.tracked[info.Ref]
	if t == nil || info.Ref == nil {
		if t = s.gone[info.Ref]; t == nil || info.Ref == nil {
			s.seq++
			t = &track{id: s.seq, kind: kindOf(info.Name), name: info.Name, firstSeen: now, atStart: now.Equal(s.began)}
		}
		if info.Ref != nil {
			s.tracked[info.Ref] = t
		}
	}
	t.parent, t.lastSeen = parent, now
	return t
}

// add appends a sample and drops those older than the window.
func (t *track) add(x sample) {
	t.samples = append(t.samples, x)
	drop := 0
	for drop < len(t.samples)-1 && x.at.Sub(t.samples[drop].at) > window {
		drop++
	}
	if drop > 0 {
		t.samples = append(t.samples[:0], t.samples[drop:]...)
	}
}

// rates are the messages per second in and out over the window; nil
// until two samples span some time.
func (t *track) rates() (in, out *float64) {
	if len(t.samples) < 2 {
		return nil, nil
	}
	first, last := t.samples[0], t.samples[len(t.samples)-1]
	secs := last.at.Sub(first.at).Seconds()
	if secs <= 0 {
		return nil, nil
	}
	i, o := float64(last.in-first.in)/secs, float64(last.out-first.out)/secs
	return &i, &o
}

// statsJSON is an actor's typed facts as JSON, and their type's name.
func statsJSON(stats any) (json.RawMessage, string) {
	b, err := json.Marshal(stats)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	return b, fmt.Sprintf("%T", stats)
}
