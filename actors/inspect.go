package actors

import "context"

// Info is what an actor looks like from outside while it runs, with the
// actors it owns below it: an Inspect of a root is the whole tree.
type Info struct {
	// Ref is the actor described: who it is across two Inspects (a name
	// need not be unique), and, kept, how to learn its exit reason later.
	Ref          *Ref
	Name         string
	Running      bool
	MailboxDepth int    // -1 when the actor did not declare a mailbox
	MailboxCap   int    // what its mailbox holds; -1 when it declared none
	State        string // the actor's own description, when it has a probe
	Stats        any    // the actor's typed facts, when its probe gives them (see ProbeStats)
	Counts       Counts // its traffic, when its probe tells it (Counts.Since is zero otherwise)
	ExitReason   error  // set once the actor has ended
	Children     []Info // the live actors this one owns, as its probe reported them
	Depth        int    // set by Flatten: 0 for the root, 1 for its children, ...
}

// Report is an actor's answer to a probe: its description and the actors
// it owns. Actors keep their own child lists (no registry): the tree is
// whatever each actor says from its own loop.
type Report struct {
	State    string
	Stats    any    // a typed snapshot of the actor's kind (windows, counts), or nil
	Counts   Counts // a copy of the actor's tally of its traffic, if it keeps one
	Children []*Ref
}

// Inspect describes the actor and, through its probe, the actors it owns
// (each asked in turn, all bounded by ctx); an actor is never touched from
// outside.
func (r *Ref) Inspect(ctx context.Context) Info {
	info := Info{Ref: r, Name: r.name, MailboxDepth: -1, MailboxCap: -1}
	if r.mailbox != nil {
		info.MailboxDepth, info.MailboxCap = r.mailbox()
	}
	select {
	case <-r.done:
		info.ExitReason = r.err
		return info
	default:
		info.Running = true
	}
	if r.probe == nil {
		return info
	}
	rep, err := Ask(ctx, r.probe, r.done, func(reply chan<- Report) chan<- Report { return reply })
	if err != nil {
		return info
	}
	info.State = rep.State
	info.Stats = rep.Stats
	info.Counts = rep.Counts
	for _, c := range rep.Children {
		if c != nil {
			info.Children = append(info.Children, c.Inspect(ctx))
		}
	}
	return info
}

// Probe answers one inspection request from the actor's loop, naming the
// actors it owns (nil ones are skipped):
//
//	case reply := <-probe:
//		actors.Probe(reply, describe(), reader, writer)
func Probe(reply chan<- Report, state string, children ...*Ref) {
	ProbeStats(reply, state, nil, children...)
}

// ProbeStats is Probe with a typed snapshot of the actor's facts (a value
// the actor made for this answer and no longer touches), which readers such
// as channelz and the debug page type-switch on.
func ProbeStats(reply chan<- Report, state string, stats any, children ...*Ref) {
	Answer(reply, Report{State: state, Stats: stats, Children: children})
}

// Answer is the general form of Probe: the actor fills in what it has
// (its description, its typed facts, its tally) and names its children:
//
//	case reply := <-probe:
//		actors.Answer(reply, actors.Report{State: describe(), Counts: counts, Children: kids()})
//
// It never waits: the asker made room for the answer (see Ask).
func Answer(reply chan<- Report, rep Report) {
	select {
	case reply <- rep:
	default:
	}
}

// Flatten lists the tree under info depth first, each Info with its Depth
// set (Children are kept, so an entry still holds its subtree).
func Flatten(info Info) []Info {
	var out []Info
	var walk func(Info, int)
	walk = func(i Info, depth int) {
		i.Depth = depth
		out = append(out, i)
		for _, c := range i.Children {
			walk(c, depth+1)
		}
	}
	walk(info, 0)
	return out
}

// Live counts the running actors in the tree under info, info included.
func (i Info) Live() int {
	n := 0
	if i.Running {
		n = 1
	}
	for _, c := range i.Children {
		n += c.Live()
	}
	return n
}
