package grpcinterop

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	grpccodes "google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

var retryInfo = &errdetails.RetryInfo{RetryDelay: durationpb.New(2_000_000_000)}

// detailsEcho fails every unary call with rich details.
type detailsEcho struct{ echopb.EchoServer }

func (detailsEcho) UnaryEcho(context.Context, *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	st, err := status.New(codes.Unavailable, "try later ✗").WithDetails(retryInfo)
	if err != nil {
		return nil, err
	}
	return nil, st.Err()
}

// TestStatusDetailsToGRPCGo: details an actorpc handler attaches reach a
// grpc-go client as google.rpc.Status details.
func TestStatusDetailsToGRPCGo(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rpc.NewServer()
	echopb.RegisterEchoServer(srv, detailsEcho{})
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)

	_, err = newGRPCClient(t, lis.Addr().String()).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "x"})
	st := grpcstatus.Convert(err)
	require.Equal(t, grpccodes.Unavailable, st.Code())
	require.Equal(t, "try later ✗", st.Message())
	details := st.Details()
	require.Len(t, details, 1)
	require.True(t, proto.Equal(retryInfo, details[0].(proto.Message)), "got %v", details[0])
}

// TestStatusDetailsFromGRPCGo: details a grpc-go handler attaches reach an
// actorpc client.
func TestStatusDetailsFromGRPCGo(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(any, grpc.ServerStream) error {
		st, err := grpcstatus.New(grpccodes.Unavailable, "try later ✗").WithDetails(retryInfo)
		if err != nil {
			return err
		}
		return st.Err()
	}))
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)

	_, err = newActorpcClient(t, lis.Addr().String()).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "x"})
	st := status.Convert(err)
	require.Equal(t, codes.Unavailable, st.Code())
	require.Equal(t, "try later ✗", st.Message())
	details := st.Details()
	require.Len(t, details, 1)
	require.True(t, proto.Equal(retryInfo, details[0].(proto.Message)), "got %v", details[0])
}
