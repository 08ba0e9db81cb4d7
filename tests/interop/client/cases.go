package main

import (
	"context"

	"github.com/actorpc/actorpc/tests/interop/testrpc"
)

// stubs are the clients a test case calls through, on one connection.
type stubs struct {
	test          testrpc.TestServiceClient
	unimplemented testrpc.UnimplementedServiceClient
}

// A testCase runs one interop test case; its error says which assertion
// of the descriptions failed.
type testCase func(ctx context.Context, c stubs) error

// cases are the test cases the client implements, by --test_case name.
var cases = map[string]testCase{
	"empty_unary":                 emptyUnary,
	"large_unary":                 largeUnary,
	"client_streaming":            clientStreaming,
	"server_streaming":            serverStreaming,
	"ping_pong":                   pingPong,
	"empty_stream":                emptyStream,
	"timeout_on_sleeping_server":  timeoutOnSleepingServer,
	"cancel_after_begin":          cancelAfterBegin,
	"cancel_after_first_response": cancelAfterFirstResponse,
	"status_code_and_message":     statusCodeAndMessage,
	"special_status_message":      specialStatusMessage,
	"custom_metadata":             customMetadata,
	"unimplemented_method":        unimplementedMethod,
	"unimplemented_service":       unimplementedService,
	"client_compressed_unary":     clientCompressedUnary,
	"server_compressed_unary":     serverCompressedUnary,
	"client_compressed_streaming": clientCompressedStreaming,
	"server_compressed_streaming": serverCompressedStreaming,
}
