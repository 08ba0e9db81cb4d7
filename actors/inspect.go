package actors

import "context"

// Info is what an actor looks like from outside while it runs.
type Info struct {
	Name         string
	Running      bool
	MailboxDepth int    // -1 when the actor did not declare a mailbox
	State        string // the actor's own description, when it has a probe
	ExitReason   error  // set once the actor has ended
}

// Inspect describes the actor. When the actor has a probe, it is asked for
// its state (bounded by ctx); an actor is never touched from outside.
func (r *Ref) Inspect(ctx context.Context) Info {
	info := Info{Name: r.name, MailboxDepth: -1}
	if r.depth != nil {
		info.MailboxDepth = r.depth()
	}
	select {
	case <-r.done:
		info.ExitReason = r.err
		return info
	default:
		info.Running = true
	}
	if r.probe != nil {
		if state, err := Ask(ctx, r.probe, r.done, func(reply chan<- string) chan<- string { return reply }); err == nil {
			info.State = state
		}
	}
	return info
}

// Probe answers one inspection request from the actor's loop:
//
//	case reply := <-probe:
//		actors.Probe(reply, describe())
func Probe(reply chan<- string, state string) {
	select {
	case reply <- state:
	default:
	}
}
