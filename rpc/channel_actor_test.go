package rpc

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/connectivity"
)

// connPair is a client connection and its server over loopback TCP.
func connPair(t *testing.T) (client, server *connactor.Conn) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer lis.Close()
	ctx := context.Background()
	accepted := make(chan *connactor.Conn, 1)
	go func() {
		snc, err := lis.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		conn, err := connactor.Accept(ctx, snc, connactor.Config{Name: "server"})
		if err != nil {
			snc.Close()
		}
		accepted <- conn
	}()
	cnc, err := net.Dial("tcp", lis.Addr().String())
	require.NoError(t, err)
	client, err = connactor.Dial(ctx, cnc, connactor.Config{Name: "client"})
	require.NoError(t, err)
	server = <-accepted
	require.NotNil(t, server)
	t.Cleanup(func() {
		client.Close(nil)
		server.Close(nil)
		<-client.Done()
		<-server.Done()
	})
	return client, server
}

// TestChannelAsksTheConnection: the channel keeps a subchannel's READY
// report as it was told, and a pick asks the connection itself whether it
// still takes calls, so the channel holds nothing to change when one goes
// away.
func TestChannelAsksTheConnection(t *testing.T) {
	client, server := connPair(t)
	sc := &subchannel{}
	report := subchannelUpdate{sc: sc, state: connectivity.Ready, conn: client}
	a := &channelActor{subchannels: map[*subchannel]subchannelUpdate{sc: report}}

	assert.Same(t, client, a.readyConn(sc), "READY: its connection")
	assert.Nil(t, a.readyConn(&subchannel{}), "a subchannel the channel does not hold")

	server.GracefulClose() // GOAWAY to the client
	<-client.GoingAway()
	assert.Nil(t, a.readyConn(sc), "the connection said it is going away")

	assert.Equal(t, report, a.subchannels[sc], "the report stays as told until the subchannel's next")

	a.subchannels[sc] = subchannelUpdate{sc: sc, state: connectivity.Idle}
	assert.Nil(t, a.readyConn(sc), "IDLE carries no connection")
}
