package main

import (
	"context"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// The request metadata the server echoes: the first value of initialKey
// in the response headers, of trailingKey in the trailers.
const (
	initialKey  = "x-grpc-test-echo-initial"
	trailingKey = "x-grpc-test-echo-trailing-bin"
)

// responseMetadata is where a call's response metadata goes.
type responseMetadata interface {
	SendHeader(metadata.MD) error
	SetTrailer(metadata.MD)
}

// echoMetadata echoes the call's request metadata into its response
// headers (sent now) and trailers.
func echoMetadata(ctx context.Context, out responseMetadata) error {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(initialKey); len(v) > 0 {
		if err := out.SendHeader(metadata.Pairs(initialKey, v[0])); err != nil {
			return err
		}
	}
	if v := md.Get(trailingKey); len(v) > 0 {
		out.SetTrailer(metadata.Pairs(trailingKey, v[0]))
	}
	return nil
}

// unaryMetadata is the responseMetadata of the unary call in ctx.
type unaryMetadata struct{ ctx context.Context }

func (u unaryMetadata) SendHeader(md metadata.MD) error { return rpc.SendHeader(u.ctx, md) }
func (u unaryMetadata) SetTrailer(md metadata.MD)       { _ = rpc.SetTrailer(u.ctx, md) }
