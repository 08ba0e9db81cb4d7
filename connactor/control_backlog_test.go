package connactor

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// backlogOf reads how many ops wait for the writer from the connection
// actor's description (asking it is itself proof that it is not stuck).
func backlogOf(t *testing.T, c *Conn) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	info := c.Inspect(ctx)
	require.True(t, info.Running, "the connection ended: %v", info.ExitReason)
	i := strings.Index(info.State, " ops backlogged")
	require.Positive(t, i, "state: %q", info.State)
	var n int
	_, err := fmt.Sscan(info.State[strings.LastIndex(info.State[:i], " ")+1:i], &n)
	require.NoError(t, err, "state: %q", info.State)
	return n
}

// stallConn is a socket whose writes wait, once armed, until the gate
// opens: a peer that stops reading, without filling kernel buffers.
type stallConn struct {
	net.Conn
	armed, gate chan struct{}
}

func (s stallConn) Write(p []byte) (int, error) {
	select {
	case <-s.armed:
		<-s.gate
	default:
	}
	return s.Conn.Write(p)
}

// A peer that stops reading stalls the writer, not the connection actor:
// the control frames it owes (here, PING ACKs) wait in a bounded backlog,
// the actor stops taking the peer's frames once the backlog is long, and
// it goes on answering meanwhile.
func TestPeerThatStopsReadingStallsOnlyTheWriter(t *testing.T) {
	cli, srv := tcpPair(t)
	sc := stallConn{Conn: cli, armed: make(chan struct{}), gate: make(chan struct{})}
	c, p := dialPeerOver(t, Config{}, sc, srv)
	close(sc.armed)
	// The writer's next flush waits on the socket.
	open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})

	// Every PING owes an ACK: far more than the writer's mailboxes hold.
	pings := make(chan error, 1)
	go func() {
		for i := range ctrlMailbox + readPauseAt + 4*maxBatch {
			if err := p.fr.WritePing(false, [8]byte{byte(i)}); err != nil {
				pings <- err
				return
			}
		}
		pings <- nil
	}()
	for backlogOf(t, c) < readPauseAt {
		// Each answer comes from the actor's own loop: it is not stuck.
	}
	// Reading paused: the backlog grew by at most the batch that reached it.
	require.Less(t, backlogOf(t, c), readPauseAt+maxBatch)
	require.NoError(t, <-pings) // the kernel took them; our reader waits

	// Once the peer reads again, every ACK goes out.
	close(sc.gate)
	acks := 0
	for acks < ctrlMailbox+readPauseAt+4*maxBatch {
		if f := p.next(); f.typ == http2.FramePing && f.ack() {
			acks++
		}
	}
	require.Zero(t, backlogOf(t, c))
	closeConn(t, c)
}

// The backlog hands ops over in the order they were written, through
// bursts that wrap its array, and keeps a small array for the next burst.
func TestBacklogKeepsOrder(t *testing.T) {
	ctrl := make(chan writerOp, 2)
	a := &connActor{ctrl: ctrl}
	next, want := uint32(0), uint32(0)
	take := func() {
		op := <-ctrl
		require.Equal(t, want, op.streamID, "ops out of order")
		want++
		// What the loop does when the control mailbox has room.
		select {
		case a.backlogOut() <- a.backlogHead():
			a.backlogSent()
		default:
		}
	}
	for burst := range 50 {
		for range burst % 13 {
			a.write(rstOp(next, 0))
			next++
		}
		for range burst % 7 {
			if want < next {
				take()
			}
		}
		require.Equal(t, int(next-want)-len(ctrl), a.backlogLen())
	}
	for want < next {
		take()
	}
	require.Zero(t, a.backlogLen())
	require.LessOrEqual(t, cap(a.backlog), keptBacklog)
}

// A stream hears of a reset of ours only once the RST_STREAM left the
// backlog, so that what it writes in answer cannot reach the peer first.
func TestResetReachesThePeerBeforeTheStreamsAnswer(t *testing.T) {
	cli, srv := tcpPair(t)
	sc := stallConn{Conn: cli, armed: make(chan struct{}), gate: make(chan struct{})}
	c, p := dialPeerOver(t, Config{}, sc, srv)
	s := open(t, c, OpenRequest{Header: requestHeaders("/svc/m")})
	p.waitHeaders(s.ID)
	close(sc.armed)
	// PINGs until their ACKs back up: the writer's next flush waits on the
	// socket, and what it has not taken waits in the backlog.
	for i := 0; backlogOf(t, c) == 0; i++ {
		require.NoError(t, p.fr.WritePing(false, [8]byte{byte(i)}))
	}
	// A stream error: the connection resets the stream.
	require.NoError(t, p.fr.WritePriority(s.ID, http2.PriorityParam{StreamDep: s.ID}))
	close(sc.gate) // the peer reads again, so the answer below can go out
	ev := nextEvent(t, s)
	require.Equal(t, EventReset, ev.Kind)
	done := make(chan error, 1)
	require.NoError(t, s.Write(Write{Data: []byte("answer"), Done: done}))
	f, before := p.waitFor("RST_STREAM", isType(http2.FrameRSTStream, s.ID))
	require.Equal(t, http2.ErrCodeProtocol, f.code)
	for _, f := range before {
		require.NotEqual(t, http2.FrameData, f.typ, "the stream's answer went out before our reset: %v", f)
	}
	require.ErrorIs(t, <-done, ErrStreamClosed)
	closeConn(t, c)
}
