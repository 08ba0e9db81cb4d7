package testrpc

import (
	"context"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/actorpc/actorpc/rpc"
)

// UnimplementedService_UnimplementedCall_FullMethodName is the only method
// of grpc.testing.UnimplementedService, a service no interop server
// registers.
const UnimplementedService_UnimplementedCall_FullMethodName = "/grpc.testing.UnimplementedService/UnimplementedCall"

// UnimplementedServiceClient is the client API of
// grpc.testing.UnimplementedService.
type UnimplementedServiceClient interface {
	UnimplementedCall(ctx context.Context, in *testpb.Empty, opts ...rpc.CallOption) (*testpb.Empty, error)
}

type unimplementedServiceClient struct {
	cc rpc.ClientConnInterface
}

// NewUnimplementedServiceClient returns an UnimplementedServiceClient
// making its calls on cc.
func NewUnimplementedServiceClient(cc rpc.ClientConnInterface) UnimplementedServiceClient {
	return &unimplementedServiceClient{cc}
}

func (c *unimplementedServiceClient) UnimplementedCall(ctx context.Context, in *testpb.Empty, opts ...rpc.CallOption) (*testpb.Empty, error) {
	return newUnaryCall[testpb.Empty, testpb.Empty](ctx, c.cc, UnimplementedService_UnimplementedCall_FullMethodName, in, opts)
}
