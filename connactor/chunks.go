package connactor

import "math/bits"

// The reader reads each DATA payload into a buffer of its own, which then
// travels to the stream (Event.Data). Allocating, zeroing and collecting a
// fresh buffer for each frame was most of what receiving large messages and
// streams of messages cost; so payloads are read into chunks, which the
// stream gives back (RecycleData) once it has copied them into its message
// or decoded the message that filled one, for the next frame of any
// connection.

const (
	// Chunks come in sizes of powers of two, from minChunk to chunkSize,
	// the default (and grpc-go's) SETTINGS_MAX_FRAME_SIZE: a full frame.
	minChunkShift = 10
	minChunk      = 1 << minChunkShift
	chunkSize     = minMaxFrameSize
	numChunkSizes = 5 // 1, 2, 4, 8 and 16 KiB

	// chunkListBytes is what the free chunks of each size may add up to:
	// enough for the bursts a stream window lets in (the reader takes a
	// window's worth as fast as the network brings it, while the stream
	// gives them back as fast as its application decodes).
	chunkListBytes = 1 << 20
)

// freeChunks holds the free chunks of each size. The lists are shared by
// every connection in the process rather than owned by each, so that an
// idle connection holds no chunk and a busy one reuses what the others gave
// back; and they are bounded, so that when traffic stops at most 5 MiB of
// chunks stays allocated. What does not fit is left to the collector.
var freeChunks [numChunkSizes]chan []byte

func init() {
	for i := range freeChunks {
		freeChunks[i] = make(chan []byte, chunkListBytes/(minChunk<<i))
	}
}

// chunkClass returns the index of the smallest chunk that holds n bytes,
// or -1 when n gets a buffer of its own length instead: it is too large,
// or so small that a chunk would be more than twice its size (a peer that
// sends small frames then cannot make a chunk stand for a few bytes of
// the window it was let in by).
func chunkClass(n int) int {
	if n <= minChunk/2 || n > chunkSize {
		return -1
	}
	return max(0, bits.Len(uint(n-1))-minChunkShift)
}

// newPayload returns a buffer of n bytes for a DATA payload.
func newPayload(n int) []byte {
	c := chunkClass(n)
	if c < 0 {
		return make([]byte, n)
	}
	select {
	case b := <-freeChunks[c]:
		return b[:n]
	default:
		return make([]byte, n, minChunk<<c)
	}
}

// RecycleData gives back the Data of an Event once nothing refers to it
// any more (its bytes were copied out, or the message that filled it was
// decoded). A buffer that is not a chunk is left to the garbage collector,
// so any Data may be passed. Giving back is optional: a chunk never given
// back is collected like any buffer.
func RecycleData(data []byte) {
	c := chunkClass(cap(data))
	if c < 0 || cap(data) != minChunk<<c {
		return
	}
	data = data[:cap(data)]
	poison(data)
	select {
	case freeChunks[c] <- data:
	default:
	}
}
