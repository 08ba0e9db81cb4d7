package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
)

// ClientConnInterface is what generated client stubs need.
type ClientConnInterface interface {
	Invoke(ctx context.Context, method string, args, reply any, opts ...CallOption) error
	NewStream(ctx context.Context, desc *StreamDesc, method string, opts ...CallOption) (ClientStream, error)
}

// ErrClientConnClosing is the cause of calls made on a closed ClientConn.
var ErrClientConnClosing = errors.New("rpc: the client connection is closing")

// ClientConn is a client channel to one target. The channel actor owns its
// connection: it dials on the first call, and again when the connection
// ends or goes away.
type ClientConn struct {
	target    string
	addr      string
	authority string
	opts      dialOptions

	inbox chan channelMsg
	ref   *actors.Ref
}

var _ ClientConnInterface = (*ClientConn)(nil)

// NewClient makes a client for target, "host:port" (also written
// "dns:///host:port" or "passthrough:///host:port"). It does not dial:
// the first call does.
func NewClient(target string, opts ...DialOption) (*ClientConn, error) {
	o := defaultDialOptions()
	for _, opt := range opts {
		opt(&o)
	}
	addr, err := parseTarget(target)
	if err != nil {
		return nil, err
	}
	cc := &ClientConn{target: target, addr: addr, authority: o.authority, opts: o, inbox: make(chan channelMsg, 64)}
	if cc.authority == "" {
		cc.authority = addr
	}
	a := &channelActor{cc: cc}
	cc.ref = actors.Spawn(context.Background(), "channel/"+target, a.run,
		actors.WithMailbox(func() int { return len(cc.inbox) }))
	return cc, nil
}

// parseTarget accepts "host:port" and the dns and passthrough schemes with
// an empty authority.
func parseTarget(target string) (string, error) {
	addr := target
	for _, scheme := range []string{"dns:///", "passthrough:///"} {
		if strings.HasPrefix(target, scheme) {
			addr = strings.TrimPrefix(target, scheme)
		}
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", fmt.Errorf("rpc: target %q: want host:port: %w", target, err)
	}
	return addr, nil
}

// Target is the target the client was made with.
func (cc *ClientConn) Target() string { return cc.target }

// Close ends the client: its connection closes and calls in flight end
// with Unavailable or Canceled. It waits for the channel's actors to end.
func (cc *ClientConn) Close() error {
	cc.ref.Stop()
	<-cc.ref.Done()
	return nil
}

// Inspect describes the channel actor while it runs.
func (cc *ClientConn) Inspect(ctx context.Context) actors.Info { return cc.ref.Inspect(ctx) }

// pick returns a ready connection, dialling one if need be.
func (cc *ClientConn) pick(ctx context.Context) (*connactor.Conn, error) {
	res, err := actors.Ask(ctx, cc.inbox, cc.ref.Done(), func(reply chan<- pickResult) channelMsg {
		return channelMsg{kind: msgPick, reply: reply}
	})
	if errors.Is(err, actors.ErrGone) {
		return nil, ErrClientConnClosing
	}
	if err != nil {
		return nil, err
	}
	return res.conn, res.err
}

// connFailed tells the channel that conn refused a new stream (it is going
// away), so that the next pick dials anew.
func (cc *ClientConn) connFailed(conn *connactor.Conn) {
	select {
	case cc.inbox <- channelMsg{kind: msgConnFailed, conn: conn}:
	case <-cc.ref.Done():
	}
}

// scheme is the :scheme of the client's requests.
func (cc *ClientConn) scheme() string {
	if cc.opts.creds.Info().SecurityProtocol == "tls" {
		return "https"
	}
	return "http"
}
