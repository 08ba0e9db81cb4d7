package echoserver

import (
	"fmt"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
)

// startStream parses the controls of a streaming call and sends the echoed
// headers straight away, so clients see them before the first response
// even when that response is delayed or never comes.
func startStream(stream rpc.ServerStream) (controls, error) {
	c, err := controlsOf(stream.Context())
	stream.SetTrailer(c.echoed)
	if err != nil {
		// The status goes out trailers-only, carrying these headers.
		if herr := stream.SetHeader(c.echoed); herr != nil {
			return c, fmt.Errorf("echoserver: set header: %w", herr)
		}
		return c, err
	}
	if err := stream.SendHeader(c.echoed); err != nil {
		return c, fmt.Errorf("echoserver: send header: %w", err)
	}
	return c, nil
}

// send waits the configured delay, then sends msg.
func send(stream rpc.ServerStream, c controls, msg string) error {
	if err := pause(stream.Context(), c.delay); err != nil {
		return err
	}
	// Errors from SendMsg are already statuses (the call has ended); they
	// are returned as they are so the client-visible code is unchanged.
	return stream.SendMsg(&echopb.EchoResponse{Message: msg})
}

// finish waits the configured delay, then returns the requested status.
func finish(stream rpc.ServerStream, c controls) error {
	if err := pause(stream.Context(), c.delay); err != nil {
		return err
	}
	return c.final.Err()
}
