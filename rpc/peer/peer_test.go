package peer

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/rpc/credentials"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestContextRoundTrip(t *testing.T) {
	_, ok := FromContext(context.Background())
	assert.False(t, ok)
	p := &Peer{Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 5000}}
	got, ok := FromContext(NewContext(context.Background(), p))
	assert.True(t, ok)
	assert.Same(t, p, got)
}

func TestString(t *testing.T) {
	var nilPeer *Peer
	assert.Equal(t, "Peer<nil>", nilPeer.String())
	assert.Equal(t, "Peer{Addr: <nil>, LocalAddr: <nil>, AuthInfo: <nil>}", (&Peer{}).String())
	p := &Peer{
		Addr:      &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 5000},
		LocalAddr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 2), Port: 50051},
		AuthInfo:  credentials.TLSInfo{},
	}
	assert.Equal(t, "Peer{Addr: '10.0.0.1:5000', LocalAddr: '10.0.0.2:50051', AuthInfo: 'tls'}", p.String())
}
