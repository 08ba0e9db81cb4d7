// Package peer tells who is at the other end of a call: on the server, the
// handler's context carries the client's Peer; on the client, the
// rpc.Peer call option fills in the server's.
package peer

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/actorpc/actorpc/rpc/credentials"
)

// Peer is the other end of a call's connection.
type Peer struct {
	// Addr is the peer's address.
	Addr net.Addr
	// LocalAddr is our end's address.
	LocalAddr net.Addr
	// AuthInfo is what the transport credentials' handshake told of the
	// peer: credentials.TLSInfo over TLS (with the client's verified
	// certificates under mutual TLS), the insecure credentials' AuthInfo
	// over plaintext.
	AuthInfo credentials.AuthInfo
}

// String describes p, e.g. "Peer{Addr: '10.0.0.1:5000', LocalAddr:
// '10.0.0.2:50051', AuthInfo: 'tls'}".
func (p *Peer) String() string {
	if p == nil {
		return "Peer<nil>"
	}
	var b strings.Builder
	b.WriteString("Peer{Addr: ")
	writeAddr(&b, p.Addr)
	b.WriteString(", LocalAddr: ")
	writeAddr(&b, p.LocalAddr)
	b.WriteString(", AuthInfo: ")
	if p.AuthInfo == nil {
		b.WriteString("<nil>")
	} else {
		fmt.Fprintf(&b, "'%s'", p.AuthInfo.AuthType())
	}
	b.WriteString("}")
	return b.String()
}

func writeAddr(b *strings.Builder, a net.Addr) {
	if a == nil {
		b.WriteString("<nil>")
		return
	}
	fmt.Fprintf(b, "'%s'", a.String())
}

type peerKey struct{}

// NewContext returns a copy of ctx carrying p.
func NewContext(ctx context.Context, p *Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}

// FromContext returns the peer ctx carries, if any. The server's handlers
// share one Peer per connection: treat it as read-only.
func FromContext(ctx context.Context) (p *Peer, ok bool) {
	p, ok = ctx.Value(peerKey{}).(*Peer)
	return p, ok
}
