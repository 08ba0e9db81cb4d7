package streamactor

// sendPipe lets a stream's sender hand the writer a few messages before it
// waits for the oldest to be written, as grpc-go's write quota does: a
// stream of small messages is not paced by a round trip to the writer per
// message. A peer that stops reading still stops the sender: the writer
// holds back what the windows do not allow, its acknowledgements stop, and
// the pipe fills. It belongs to the stream's sending goroutine.
type sendPipe struct {
	acks  chan error // the writer's Done of each write in flight, in order
	sizes []int      // bytes of each write in flight, oldest first
	bytes int
}

const (
	pipeWrites = 16       // writes in flight; acks has room for all of them
	pipeBytes  = 64 << 10 // bytes in flight (a larger message waits for an empty pipe)
)

func newSendPipe() sendPipe { return sendPipe{acks: make(chan error, pipeWrites)} }

// reserve waits until a write of n bytes may join the pipe. It returns the
// failure of an earlier write, or aborted when abort closed first.
func (p *sendPipe) reserve(n int, abort <-chan struct{}) (failed error, aborted bool) {
	for {
		if err := p.collect(); err != nil {
			return err, false
		}
		if len(p.sizes) == 0 || (len(p.sizes) < pipeWrites && p.bytes+n <= pipeBytes) {
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

// collect takes the acknowledgements that have arrived, without waiting.
func (p *sendPipe) collect() error {
	for len(p.sizes) > 0 {
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

func (p *sendPipe) settle(err error) error {
	p.bytes -= p.sizes[0]
	p.sizes = p.sizes[1:]
	return err
}

// sent records a write of n bytes handed to the writer.
func (p *sendPipe) sent(n int) {
	p.sizes = append(p.sizes, n)
	p.bytes += n
}
