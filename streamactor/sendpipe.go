package streamactor

// sendPipe lets a stream's sender hand the writer a few messages before it
// waits for the oldest to be written, as grpc-go's write quota does: a
// stream of small messages is not paced by a round trip to the writer per
// message. A peer that stops reading still stops the sender: the writer
// holds back what the windows do not allow, its acknowledgements stop, and
// the pipe fills.
//
// Not every write asks for an acknowledgement (Write.Done): the writer
// finishes a stream's writes in order, so one acknowledgement answers for
// every write before it. The writes up to an acknowledged one form a group
// of about a quarter of the pipe, so a sender that keeps the pipe full is
// woken once a group, not once a message. A failed write fails every later
// one of its stream, so the failure still reaches the sender at its
// group's acknowledgement.
//
// It belongs to the stream's sending goroutine.
//
// acks is made with the first acknowledged group: a stream that sends a
// few small messages (most of them) never has one, and an idle stream
// holds no channel for it.
//
// Every stream holds a pipe, idle or not, so its counts are kept small:
// the numbers of writes (at most pipeWrites and a group) and the ring's
// places fit a byte each, which makes the pipe 64 bytes rather than 120.
type sendPipe struct {
	acks chan error // from: writer to stream; never: the writer's Done of each group's last write, in order
	// The acknowledged groups in flight, a ring (oldest at first, n of
	// them): each group's bytes and writes.
	groupBytes  [pipeGroups]int
	groupWrites [pipeGroups]uint8
	first, n    uint8
	// open is the writes since the last acknowledged one; total is
	// everything in flight, open included.
	openWrites, totalWrites uint8
	openBytes, totalBytes   int
}

const (
	pipeWrites = 16       // writes in flight
	pipeBytes  = 64 << 10 // bytes in flight (a larger message waits for an almost empty pipe)
	pipeGroups = 4        // acknowledged groups in flight; acks has room for all of them
)

func newSendPipe() sendPipe { return sendPipe{} }

// reserve waits until a write of n bytes may join the pipe. It returns the
// failure of an earlier write, or aborted when abort closed first. With no
// acknowledged group in flight there is nothing to wait for, and what is in
// flight is less than a group: the write may go.
func (p *sendPipe) reserve(n int, abort <-chan struct{}) (failed error, aborted bool) {
	for {
		if err := p.collect(); err != nil {
			return err, false
		}
		if p.n == 0 || (p.n < pipeGroups && p.totalWrites < pipeWrites && p.totalBytes+n <= pipeBytes) {
			return nil, false
		}
		select {
		case err := <-p.acks:
			if err := p.settle(err); err != nil {
				return err, false
			}
		case <-abort:
			return nil, true
		}
	}
}

// done is the Done of the next write, of n bytes: the acknowledgements
// channel when the write ends a group, nil when a later acknowledgement
// answers for it.
func (p *sendPipe) done(n int) chan<- error {
	if p.openWrites+1 >= pipeWrites/pipeGroups || p.openBytes+n >= pipeBytes/pipeGroups {
		if p.acks == nil {
			p.acks = make(chan error, pipeGroups)
		}
		return p.acks
	}
	return nil
}

// sent records a write of n bytes handed to the writer with the Done that
// done returned for it.
func (p *sendPipe) sent(n int, done chan<- error) {
	p.openWrites++
	p.openBytes += n
	p.totalWrites++
	p.totalBytes += n
	if done != nil {
		last := (p.first + p.n) % pipeGroups
		p.groupBytes[last], p.groupWrites[last] = p.openBytes, p.openWrites
		p.n++
		p.openWrites, p.openBytes = 0, 0
	}
}

// collect takes the acknowledgements that have arrived, without waiting.
func (p *sendPipe) collect() error {
	for p.n > 0 {
		select {
		case err := <-p.acks:
			if err := p.settle(err); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// settle retires the oldest group, whose acknowledgement came with err.
func (p *sendPipe) settle(err error) error {
	p.totalWrites -= p.groupWrites[p.first]
	p.totalBytes -= p.groupBytes[p.first]
	p.first = (p.first + 1) % pipeGroups
	p.n--
	return err
}
