package connactor

import "github.com/actorpc/actorpc/internal/bufpool"

// The reader reads each DATA payload into a buffer of its own, which then
// travels to the stream (Event.Data). Allocating, zeroing and collecting a
// fresh buffer for each frame was most of what receiving large messages and
// streams of messages cost; so payloads are read into chunks from bufpool,
// which the stream gives back (RecycleData) once it has copied them into
// its message or decoded the message that filled one, for the next frame
// of any connection.

const (
	// minChunk is bufpool's smallest class: smaller payloads get a buffer
	// of their own length.
	minChunk = 1 << 10
	// chunkSize is a full frame of the default (and grpc-go's)
	// SETTINGS_MAX_FRAME_SIZE, bufpool's largest small class.
	chunkSize = minMaxFrameSize
)

// newPayload returns a buffer of n bytes for a DATA payload: a chunk at
// most twice as large, or a buffer of its own when n is small.
func newPayload(n int) []byte {
	if b := bufpool.Get(n); b != nil {
		return b[:n]
	}
	return make([]byte, n)
}

// RecycleData gives back the Data of an Event once nothing refers to it
// any more (its bytes were copied out, or the message that filled it was
// decoded). A buffer that is not a chunk is left to the garbage collector,
// so any Data may be passed. Giving back is optional: a chunk never given
// back is collected like any buffer.
func RecycleData(data []byte) { bufpool.Put(data) }
