package opentelemetry

import (
	"errors"
	"io"

	"github.com/actorpc/actorpc/rpc"
)

// finishingStream is a client stream that calls finish once, with the
// call's status, when RecvMsg tells it: an error (io.EOF is OK), or, for a
// call with one response, that response. grpc-go's interceptors use the
// OnFinish call option for this; a stream its application abandons
// without reading the status (its context canceled) is not finished here,
// and its call span is not ended.
type finishingStream struct {
	rpc.ClientStream
	serverStreams bool
	finish        func(error)
	// finished is owned by the goroutine calling RecvMsg: gRPC lets one
	// goroutine at a time receive on a stream.
	finished bool
}

func (s *finishingStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if s.finished {
		return err
	}
	switch {
	case errors.Is(err, io.EOF):
		s.finished = true
		s.finish(nil)
	case err != nil:
		s.finished = true
		s.finish(err)
	case !s.serverStreams:
		// The one response came: the call is OK.
		s.finished = true
		s.finish(nil)
	}
	return err
}
