package rpc_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// deadAddr is a loopback address nothing listens on: a port that was
// just released.
func deadAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())
	return addr
}

func TestDialConnectsAtOnce(t *testing.T) {
	addr := serveProbe(t, &probe{})
	// No scheme: Dial takes it as passthrough.
	cc, err := rpc.Dial(addr, plaintext())
	require.NoError(t, err)
	defer cc.Close()
	// Unlike NewClient, the channel left IDLE without a call.
	assert.NotEqual(t, connectivity.Idle, cc.GetState())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for s := cc.GetState(); s != connectivity.Ready; s = cc.GetState() {
		require.True(t, cc.WaitForStateChange(ctx, s), "never READY; last state %s", s)
	}
	got, err := callUnary(ctx, cc, "dialled")
	require.NoError(t, err)
	assert.Equal(t, "dialled", got)
}

func TestNewClientStaysIdle(t *testing.T) {
	addr := serveProbe(t, &probe{})
	cc := newProbeClient(t, addr)
	assert.Equal(t, connectivity.Idle, cc.GetState())
}

func TestDialContextWithBlockWaitsForReady(t *testing.T) {
	addr := serveProbe(t, &probe{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cc, err := rpc.DialContext(ctx, addr, plaintext(), rpc.WithBlock())
	require.NoError(t, err)
	defer cc.Close()
	assert.Equal(t, connectivity.Ready, cc.GetState())
}

func TestDialContextWithBlockTimesOut(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cc, err := rpc.DialContext(ctx, deadAddr(t), plaintext(), rpc.WithBlock())
	assert.Nil(t, cc)
	assert.Equal(t, context.DeadlineExceeded, err, "grpc-go returns ctx.Err() itself")
	// goleak (TestMain) proves the channel was closed with all its goroutines.
}

func TestDialContextWithBlockCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cc, err := rpc.DialContext(ctx, deadAddr(t), plaintext(), rpc.WithBlock())
	assert.Nil(t, cc)
	assert.Equal(t, context.Canceled, err)
}

func TestDialContextReturnConnectionError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	dead := deadAddr(t)
	cc, err := rpc.DialContext(ctx, dead, plaintext(), rpc.WithReturnConnectionError())
	assert.Nil(t, cc)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), dead, "the connection error names the address")
	assert.Contains(t, err.Error(), "refused")
}

func TestDialContextFailOnNonTempDialError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	cc, err := rpc.DialContext(ctx, deadAddr(t), plaintext(), rpc.WithBlock(), rpc.FailOnNonTempDialError(true))
	assert.Nil(t, cc)
	require.Error(t, err)
	assert.False(t, errors.Is(err, context.DeadlineExceeded), "gave up on the refusal, not the deadline: %v", err)
	assert.True(t, strings.Contains(err.Error(), "refused"), "%v", err)
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestDialWithoutCredentialsFails(t *testing.T) {
	cc, err := rpc.Dial("127.0.0.1:1")
	assert.Nil(t, cc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rpc: no transport security set")
}

func TestDialExplicitSchemeWins(t *testing.T) {
	addr := serveProbe(t, &probe{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// "dns:///" is written, so Dial does not make it passthrough.
	cc, err := rpc.DialContext(ctx, "dns:///"+addr, plaintext(), rpc.WithBlock())
	require.NoError(t, err)
	defer cc.Close()
	assert.Equal(t, "dns:///"+addr, cc.Target())
}

func TestDialDefaultsToPassthrough(t *testing.T) {
	addr := serveProbe(t, &probe{})
	dialled := make(chan string, 8)
	dialer := func(ctx context.Context, target string) (net.Conn, error) {
		dialled <- target
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// DNS could not resolve this name; passthrough hands it to the dialer.
	cc, err := rpc.DialContext(ctx, "backend.invalid:7", plaintext(), rpc.WithContextDialer(dialer), rpc.WithBlock())
	require.NoError(t, err)
	defer cc.Close()
	assert.Equal(t, "backend.invalid:7", <-dialled)
}
