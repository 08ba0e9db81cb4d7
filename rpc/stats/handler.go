package stats

import (
	"context"
	"net"
)

// RPCTagInfo describes the call TagRPC is asked to tag.
type RPCTagInfo struct {
	// FullMethodName is the call's method, "/package.service/method".
	FullMethodName string
	// FailFast is false when the call waits for a ready connection
	// (WaitForReady). Only on a client.
	FailFast bool
	// NameResolutionDelay is true when the call waited for the name
	// resolver's first answer. Only on a client.
	NameResolutionDelay bool
}

// ConnTagInfo describes the connection TagConn is asked to tag.
type ConnTagInfo struct {
	// RemoteAddr is the peer's address.
	RemoteAddr net.Addr
	// LocalAddr is this end's address.
	LocalAddr net.Addr
}

// Handler is told of connections and calls. Its methods must be safe to call
// from several goroutines at once: calls run side by side.
type Handler interface {
	// TagRPC may attach what it wants to the context; the context it
	// returns is the one HandleRPC is given for that call (on a client, for
	// that attempt).
	TagRPC(context.Context, *RPCTagInfo) context.Context
	// HandleRPC is told of one event of a call.
	HandleRPC(context.Context, RPCStats)
	// TagConn may attach what it wants to the context; the context it
	// returns is the one HandleConn is given for that connection. On a
	// server it is also the parent of the calls' contexts on that
	// connection, so TagRPC sees what TagConn attached.
	TagConn(context.Context, *ConnTagInfo) context.Context
	// HandleConn is told of a connection's beginning and end.
	HandleConn(context.Context, ConnStats)
}
