package streamactor

import (
	"encoding/binary"
	"math/bits"

	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// prefixLen is the gRPC message prefix: a compressed flag and a 4-byte
// big-endian length (PROTOCOL-HTTP2, Length-Prefixed-Message).
const prefixLen = 5

// PrefixLen is the length of the gRPC message prefix, which senders
// reserve in front of a message they build in place (see SetPrefix).
const PrefixLen = prefixLen

// SetPrefix fills in the prefix of a message framed in place: framed holds
// PrefixLen reserved bytes and then the payload.
func SetPrefix(framed []byte, compressed bool) {
	framed[0] = 0
	if compressed {
		framed[0] = 1
	}
	binary.BigEndian.PutUint32(framed[1:prefixLen], uint32(len(framed)-prefixLen))
}

// Frame returns payload with its gRPC prefix, in a new buffer.
func Frame(payload []byte, compressed bool) []byte {
	return AppendMessage(make([]byte, 0, prefixLen+len(payload)), payload, compressed)
}

// AppendMessage appends payload with its gRPC prefix to dst.
func AppendMessage(dst, payload []byte, compressed bool) []byte {
	var flag byte
	if compressed {
		flag = 1
	}
	dst = append(dst, flag, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(dst[len(dst)-4:], uint32(len(payload)))
	return append(dst, payload...)
}

// Message is one received gRPC message.
type Message struct {
	Payload []byte
	// buf is the buffer Payload lies in, which Release gives back to
	// bufpool: the received DATA buffer when the message filled it alone,
	// or the buffer it was reassembled in.
	buf        []byte
	Compressed bool
}

// Release gives the message's buffer back for reuse once Payload is no
// longer used (it was decoded, and the codec keeps no reference to it, as
// grpc-go's codecs must not either). Payload must not be read afterwards.
// Calling it is optional: an unreleased buffer is garbage-collected.
func (m *Message) Release() {
	bufpool.Put(m.buf)
	*m = Message{}
}

// reassembler cuts a stream of DATA bytes into gRPC messages. A message
// larger than maxSize is refused from its prefix, before any of it is
// buffered.
type reassembler struct {
	maxSize int
	// budget, when set, is asked before a message's buffer is sized
	// from its prefix's claim (see grow).
	budget reserver
	have   int    // bytes of prefix read
	msg    []byte // the message being filled
	pooled []byte // msg's buffer, when pooled
	want   int    // its length
	// (The bytes together, so that they share a word: every stream
	// holds a reassembler.)
	prefix [prefixLen]byte
	flag   byte
	// pool: the messages' owner Releases them, so a message that needs a
	// buffer of its own gets a pooled one (see bufpool). A buffer
	// never given back would only drain the pool.
	pool bool
}

// feed consumes one DATA payload and appends every completed message to
// out. It reports whether a message points into data, which must then
// live as long as that message; otherwise everything was copied out and
// data may be recycled.
func (r *reassembler) feed(data []byte, out []Message) (_ []Message, aliased bool, _ *status.Status) {
	whole := data
	for len(data) > 0 {
		if r.have < prefixLen {
			// Fast path: a whole message in this payload needs no copy.
			if r.have == 0 && len(data) >= prefixLen {
				n := int(binary.BigEndian.Uint32(data[1:prefixLen]))
				if st := r.check(data[0], n); st != nil {
					return out, aliased, st
				}
				if len(data) >= prefixLen+n {
					m := Message{Payload: data[prefixLen : prefixLen+n : prefixLen+n], Compressed: data[0] == 1}
					if prefixLen+n == len(whole) {
						m.buf = whole // the message alone fills the buffer: it owns it
					}
					out = append(out, m)
					aliased = true
					data = data[prefixLen+n:]
					continue
				}
			}
			c := copy(r.prefix[r.have:], data)
			r.have += c
			data = data[c:]
			if r.have < prefixLen {
				return out, aliased, nil
			}
			r.flag = r.prefix[0]
			r.want = int(binary.BigEndian.Uint32(r.prefix[1:]))
			if st := r.check(r.flag, r.want); st != nil {
				return out, aliased, st
			}
			r.start(len(data))
		}
		c := min(r.want-len(r.msg), len(data))
		r.grow(c)
		r.msg = append(r.msg, data[:c]...)
		data = data[c:]
		if len(r.msg) == r.want {
			out = append(out, Message{Payload: r.msg, Compressed: r.flag == 1, buf: r.pooled})
			r.msg, r.pooled, r.have, r.want = nil, nil, 0, 0
		}
	}
	return out, aliased, nil
}

// A message's buffer is sized from its prefix's claim only when the
// connection's memory budget has room for the claim (connactor's
// Stream.Reserve), or when the message is in hand already; otherwise it
// grows with the bytes that arrive: a peer that sends a prefix claiming
// 4 MiB and then holds back the rest would otherwise make us allocate
// 4 MiB for a few bytes, on each of a thousand streams, where neither the
// flow-control windows nor the budget (which counts bytes received) see
// it. Growing, it doubles, so a buffer is at most twice the bytes
// received plus reassemblyStart, and a large message costs one more copy
// of itself in all (the sizes before the last add up to less than it).
const reassemblyStart = 4 << 10

// reserveFrom is the smallest claim worth a reservation (a round trip to
// the connection actor): below it, doubling from reassemblyStart costs
// a few small copies.
const reserveFrom = 64 << 10

// reserver is the connection's memory budget, as a stream sees it.
type reserver interface {
	// Reserve reports whether n bytes may be allocated now.
	Reserve(n int) bool
}

// start allocates the buffer of a message whose prefix was just read,
// with inHand of its bytes in the current payload.
func (r *reassembler) start(inHand int) {
	if r.want > inHand && r.want >= reserveFrom && r.budget != nil && r.budget.Reserve(r.want-inHand) {
		r.grow(r.want)
		return
	}
	r.grow(min(r.want, inHand))
}

// grow makes room for n more bytes of the message being filled; the
// message's first call (with it empty) allocates its buffer.
func (r *reassembler) grow(n int) {
	need := len(r.msg) + n
	if r.msg != nil && need <= cap(r.msg) {
		return
	}
	// Powers of two, so that the last doubling lands on the message's size
	// rather than just short of it.
	size := min(r.want, 1<<bits.Len(uint(max(need, 2*cap(r.msg), reassemblyStart)-1)))
	old, oldPooled := r.msg, r.pooled
	r.pooled = nil
	if r.pool {
		r.pooled = bufpool.Get(size)
	}
	if r.pooled != nil {
		// The class may be larger than asked for: use it, up to the message.
		r.msg = r.pooled[:0:min(len(r.pooled), r.want)]
	} else {
		r.msg = make([]byte, 0, size)
	}
	r.msg = append(r.msg, old...)
	if oldPooled != nil {
		bufpool.Put(oldPooled)
	}
}

func (r *reassembler) check(flag byte, n int) *status.Status {
	if flag > 1 {
		return status.Newf(codes.Internal, "grpc: received a message with compressed flag %d, want 0 or 1", flag)
	}
	if n > r.maxSize {
		return status.Newf(codes.ResourceExhausted, "grpc: received message larger than max (%d vs. %d)", n, r.maxSize)
	}
	return nil
}

// partial reports bytes of an unfinished message.
func (r *reassembler) partial() bool { return r.have > 0 }
