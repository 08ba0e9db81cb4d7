package main

import (
	"context"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/metadata"
)

// serverHeader is the response header in which "echo serve" names itself,
// so that "echo call --show-headers" against several servers shows which
// one answered each call.
const serverHeader = "x-echo-server"

// identify adds serverHeader: name to every call's response headers.
func identify(name string) []rpc.ServerOption {
	md := metadata.Pairs(serverHeader, name)
	return []rpc.ServerOption{
		rpc.UnaryInterceptor(func(ctx context.Context, req any, _ *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
			if err := rpc.SetHeader(ctx, md); err != nil {
				return nil, err
			}
			return handler(ctx, req)
		}),
		rpc.StreamInterceptor(func(srv any, ss rpc.ServerStream, _ *rpc.StreamServerInfo, handler rpc.StreamHandler) error {
			if err := ss.SetHeader(md); err != nil {
				return err
			}
			return handler(srv, ss)
		}),
	}
}
