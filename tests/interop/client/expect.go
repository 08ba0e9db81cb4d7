package main

import (
	"errors"
	"fmt"
	"io"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// zeros is a COMPRESSABLE payload of size zero bytes.
func zeros(size int) *testpb.Payload {
	return &testpb.Payload{Type: testpb.PayloadType_COMPRESSABLE, Body: make([]byte, size)}
}

// expectPayload checks a response payload: COMPRESSABLE, size bytes, all
// zero.
func expectPayload(what string, p *testpb.Payload, size int) error {
	if t := p.GetType(); t != testpb.PayloadType_COMPRESSABLE {
		return fmt.Errorf("%s: payload type %v, want COMPRESSABLE", what, t)
	}
	body := p.GetBody()
	if len(body) != size {
		return fmt.Errorf("%s: payload body of %d bytes, want %d", what, len(body), size)
	}
	for i, b := range body {
		if b != 0 {
			return fmt.Errorf("%s: payload byte %d is %#x, want zero", what, i, b)
		}
	}
	return nil
}

// expectCode checks that err is a status error with code want.
func expectCode(what string, err error, want codes.Code) error {
	if got := status.Code(err); got != want {
		return fmt.Errorf("%s: got status %v (%v), want code %v", what, got, err, want)
	}
	return nil
}

// expectStatus checks that err is the status code/msg, message included
// byte for byte.
func expectStatus(what string, err error, code codes.Code, msg string) error {
	if err == nil {
		return fmt.Errorf("%s: succeeded, want status %v %q", what, code, msg)
	}
	st := status.Convert(err)
	if st.Code() != code || st.Message() != msg {
		return fmt.Errorf("%s: got status %v %q, want %v %q", what, st.Code(), st.Message(), code, msg)
	}
	return nil
}

// expectEOF checks that a stream's Recv reports the end of a call with
// status OK and no further message.
func expectEOF(what string, err error) error {
	if err == nil {
		return fmt.Errorf("%s: got one more response, want the end of the call (io.EOF)", what)
	}
	if !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: got %v, want the end of the call with status OK (io.EOF)", what, err)
	}
	return nil
}
