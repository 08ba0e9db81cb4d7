package rpc

// count tallies m in the server actor's Counts (for Inspect and the debug
// page): every message is one in, and each question is one answer out.
// The commands it sends its connections and Stop's releases are counted
// where apply carries them out.
func (a *serverActor) count(m serverMsg) {
	a.counts.In++
	switch m.(type) {
	case addListenerMsg, stoppingMsg, registerMsg, serviceInfoMsg:
		a.counts.Out++
	}
}
