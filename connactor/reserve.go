package connactor

// A stream that reads a message prefix claiming more bytes than it has in
// hand would rather allocate the message's buffer at once than grow it as
// the bytes arrive (each doubling copies what came before). Sized from
// the claim alone, a buffer is memory the peer makes us hold without
// sending it (500 prefixes claiming 4 MiB: 2 GiB), so on the server the
// claim is first reserved against the connection's memory budget
// (budget.go): reservations have a share of the budget of their own,
// and the message's DATA, as it arrives, leaves the reservation for the
// bytes held. A claim there is no room for is refused, and the stream
// grows its buffer with what arrives. The client trusts the claim:
// its own calls bound what it holds (grpc-go allocates from the claim on
// both sides).

// reserveMsg: a stream asks to reserve s.reserving bytes of a message
// it is about to receive (Stream.Reserve). It holds a single pointer, so
// the interface holds it without an allocation.
type reserveMsg struct{ s *Stream }

func (reserveMsg) connMsg() {}

// Reserve asks the connection to count n bytes of a message the stream is
// about to receive against its memory budget now, so that the stream may
// allocate them at once. It reports whether it may; false also when the
// connection has ended. A stream holds one reservation at a time: a new
// one replaces what is left of the last (DATA delivered before the
// reservation was counted on delivery, and leaves that much unfilled).
// Only the goroutine that receives the stream's events calls it.
func (s *Stream) Reserve(n int) bool {
	if s.conn.role == RoleClient {
		return true
	}
	if s.reserved == nil {
		s.reserved = make(chan bool, 1)
	}
	s.reserving = int64(n) // read by the connection actor after the send below
	s.conn.tell(reserveMsg{s})
	select {
	case ok := <-s.reserved:
		return ok
	case <-s.conn.ref.Done():
		return false
	}
}

// reservableShare: unfilled reservations may add up to 1/reservableShare
// of the budget. They are counted apart from held (which counts bytes
// that arrived): counted in it, they would put the budget over while the
// reserved streams wait for their DATA, and it would withhold the very
// window those streams wait for (TestSlowReader). So a connection holds
// at most its budget in bytes received and queued, plus this share in
// buffers allocated ahead of their bytes.
const reservableShare = 2

// reserve answers a stream's reservation: yes while the reservations have
// room for it, counting what the stream's last one left unfilled as
// given back.
func (a *connActor) reserve(s *Stream) {
	s.reserved <- a.budget.reserve(s.ID, s.reserving, a.streams[s.ID] != nil)
}

func (b *connBudget) reserve(id uint32, n int64, live bool) bool {
	if b.limit <= 0 || !live {
		return false
	}
	left := b.reserved[id]
	if b.reservedTotal-left+n > b.limit/reservableShare {
		return false
	}
	b.reservedTotal += n - left
	b.reserved[id] = n
	return true
}

// fill takes n delivered bytes of stream id out of its reservation: they
// are held now, as bytes received.
func (b *connBudget) fill(id uint32, n int64) {
	left, ok := b.reserved[id]
	if !ok {
		return
	}
	covered := min(left, n)
	b.reservedTotal -= covered
	if left == covered {
		delete(b.reserved, id)
	} else {
		b.reserved[id] = left - covered
	}
}

// unreserve drops what is left of an ended stream's reservation.
func (b *connBudget) unreserve(id uint32) {
	b.reservedTotal -= b.reserved[id]
	delete(b.reserved, id)
}
