package actors

import (
	"context"
	"errors"
)

// ErrGone is returned by Ask when the actor ended before it replied.
var ErrGone = errors.New("actor has ended")

// Ask sends the request made by build to inbox and waits for the reply,
// for ctx, or for the actor to end (gone). The reply channel has room for
// one value, so the actor never blocks answering a caller that gave up.
func Ask[Req, Resp any](ctx context.Context, inbox chan<- Req, gone <-chan struct{}, build func(reply chan<- Resp) Req) (Resp, error) {
	var zero Resp
	reply := make(chan Resp, 1)
	select {
	case inbox <- build(reply):
	case <-gone:
		return zero, ErrGone
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	select {
	case resp := <-reply:
		return resp, nil
	case <-gone:
		// An actor may reply and then end: the reply still counts.
		select {
		case resp := <-reply:
			return resp, nil
		default:
			return zero, ErrGone
		}
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
