package rpc

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/backoff"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/resolver"
)

// TestSubchannelReportsFailureBeforeIdle: an attempt that fails slower
// than its backoff leaves nothing to wait, yet the policy must still be
// told TRANSIENT_FAILURE (with why) before IDLE; pick_first moves to its
// next address on it. The channel here is slow: it reads only when the
// subchannel has long been free to go IDLE.
func TestSubchannelReportsFailureBeforeIdle(t *testing.T) {
	refused := errors.New("connection refused")
	dialed := make(chan struct{})
	cc := &ClientConn{opts: defaultDialOptions()}
	cc.opts.connectParams = ConnectParams{Backoff: backoff.Config{BaseDelay: time.Nanosecond, Multiplier: 1.6, MaxDelay: time.Nanosecond}}
	cc.opts.dialer = func(context.Context, resolver.Address) (net.Conn, error) {
		close(dialed)
		return nil, refused
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := make(chan subchannelUpdate)
	sc := cc.newSubchannel(ctx, ctx, resolver.Address{Addr: "10.0.0.1:1"}, updates, healthSetting{})
	defer func() {
		sc.ref.Stop()
		<-sc.ref.Done()
	}()
	sc.Connect()
	<-dialed

	var seen []connectivity.State
	for len(seen) == 0 || seen[len(seen)-1] != connectivity.Idle {
		u := <-updates
		require.Same(t, sc, u.sc)
		if u.state == connectivity.TransientFailure {
			assert.ErrorIs(t, u.err, refused)
		}
		seen = append(seen, u.state)
	}
	assert.Contains(t, seen, connectivity.TransientFailure)
	assert.Equal(t, connectivity.Idle, seen[len(seen)-1])
}
