package rpc

import (
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/peer"
)

// Peer fills p with the server the call went to: its address, ours, and
// what the transport credentials' handshake told of it (its
// credentials.TLSInfo over TLS). For a streaming call p is filled once the
// stream is open; a call that never reached a connection leaves p alone.
func Peer(p *peer.Peer) CallOption { return func(c *callInfo) { c.peer = p } }

// connPeer is the peer at the other end of conn.
func connPeer(conn *connactor.Conn) peer.Peer {
	return peer.Peer{Addr: conn.RemoteAddr(), LocalAddr: conn.LocalAddr(), AuthInfo: connAuthInfo(conn)}
}

// connAuthInfo is what the credentials' handshake told of conn's peer.
func connAuthInfo(conn *connactor.Conn) credentials.AuthInfo {
	ai, _ := conn.AuthInfo().(credentials.AuthInfo)
	return ai
}

// notePeer fills the Peer call option's peer, if any, with conn's.
func (ci *callInfo) notePeer(conn *connactor.Conn) {
	if ci.peer != nil {
		*ci.peer = connPeer(conn)
	}
}
