package attacks

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMessagePrefixBomb: on each of 500 streams, a message prefix that
// claims 4 MiB (the default receive limit), and nothing more. A server
// that sized its reassembly buffer from the claim would hold 2 GiB for
// 2.5 KiB received; it must grow the buffer with what arrives instead.
func TestMessagePrefixBomb(t *testing.T) {
	addr := serve(t)
	c := dial(t, addr)
	c.ready()
	h := newHeapGrowth()
	prefix := make([]byte, 5)
	binary.BigEndian.PutUint32(prefix[1:], 4<<20)
	for range 500 {
		id := c.open("UnaryEcho", false)
		require.NoError(t, c.fr.WriteData(id, false, prefix))
	}
	c.ping([8]byte{'b', 'o', 'm', 'b'}) // every frame reached the connection actor
	// Let the handlers read their prefixes, sampling the heap meanwhile.
	for range 5 {
		h.sample()
		time.Sleep(100 * time.Millisecond)
	}
	h.requireBelow(t, 64*mib, "500 prefixes claiming 4 MiB each")
	c.ping([8]byte{'a', 'l', 'i', 'v', 'e'})
}
