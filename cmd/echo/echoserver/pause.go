package echoserver

import (
	"context"
	"time"

	"github.com/actorpc/actorpc/rpc/status"
)

// pause waits d before the server sends something, unless the call ends
// first: then it returns the status the call ended with, so the handler
// stops at once instead of holding the stream (and GracefulStop) open.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return status.FromContextError(ctx.Err()).Err()
	}
}
