package rpc

// count tallies m in the channel actor's Counts (for Inspect and the debug
// page): every message from a call is one in, and each question is one
// answer out (a pick's answer, even when it comes later, after the call
// waited for a connection). The resolver's and subchannels' reports are
// counted in as the loop takes them.
func (a *channelActor) count(m channelMessage) {
	a.counts.In++
	switch m.(type) {
	case pickMsg, getStateMsg, watchStateMsg, connErrorMsg, retryFailureMsg, retryReserveMsg:
		a.counts.Out++
	}
}
