package main

import (
	"context"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding/gzip"
	"github.com/actorpc/actorpc/rpc/status"
)

// checkCompression enforces a request's expect_compressed: the message
// that carried it must have been compressed exactly when asked (the
// descriptions' client_compressed_* cases probe this with INVALID_ARGUMENT).
func checkCompression(ctx context.Context, expect *testpb.BoolValue) error {
	if expect == nil {
		return nil
	}
	got := rpc.RecvCompressed(ctx)
	switch {
	case expect.GetValue() && !got:
		return status.Error(codes.InvalidArgument, "expected a compressed request message")
	case !expect.GetValue() && got:
		return status.Error(codes.InvalidArgument, "expected an uncompressed request message")
	}
	return nil
}

// compressResponses makes the call answer in gzip when any response is to
// be compressed; it must run before the response headers go out. Each
// message then says for itself (useCompression).
func compressResponses(ctx context.Context, wanted bool) error {
	if !wanted {
		return nil
	}
	return rpc.SetSendCompressor(ctx, gzip.Name)
}

// useCompression sets whether the next response is compressed.
func useCompression(ctx context.Context, compressed *testpb.BoolValue) error {
	return rpc.SetMessageCompression(ctx, compressed.GetValue())
}

// anyCompressed reports whether a streaming request asks for a compressed
// response.
func anyCompressed(in *testpb.StreamingOutputCallRequest) bool {
	for _, p := range in.GetResponseParameters() {
		if p.GetCompressed().GetValue() {
			return true
		}
	}
	return false
}
