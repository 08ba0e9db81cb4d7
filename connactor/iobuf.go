package connactor

// A connection spends most of its life idle, and bufio's buffers on its
// socket (32 KiB each way) were most of what an idle connection held. So
// the reader's and the writer's buffers (readBuf, sendBuf) are small ones
// of their own, enough for the frames of a few small calls, and each
// borrows a large one only while more is moving than the small one holds,
// giving it back as soon as its traffic slows down.

const (
	ioSmall = 1 << 10  // each buffer's own
	ioLarge = 32 << 10 // borrowed while busy
)

// freeIOBufs holds the large buffers nobody is borrowing, shared by every
// connection in the process and bounded: at most 1 MiB of them stays
// allocated when traffic stops; what does not fit is left to the
// collector.
var freeIOBufs = make(chan []byte, 32) // from: reader, writer; never (given back without waiting)

func borrowIOBuf() []byte {
	select {
	case b := <-freeIOBufs:
		return b
	default:
		return make([]byte, ioLarge)
	}
}

func returnIOBuf(b []byte) {
	select {
	case freeIOBufs <- b[:ioLarge]:
	default:
	}
}
