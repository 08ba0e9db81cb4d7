package grpcinterop

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// Metadata keys of the echo contract (see package echoserver).
const (
	echoPrefix           = "x-echo-"
	delayKey             = "echo-delay-ms"
	statusKey            = "echo-status"
	statusMessageKey     = "echo-status-message"
	statusMessageBinKey  = "echo-status-message-bin"
	maxDelayMilliseconds = int64(time.Hour / time.Millisecond)
)

// GRPCEchoServer is the grpc-go server API of grpc.examples.echo.Echo, in
// the shape protoc-gen-go-grpc generates.
type GRPCEchoServer interface {
	UnaryEcho(context.Context, *echopb.EchoRequest) (*echopb.EchoResponse, error)
	ServerStreamingEcho(*echopb.EchoRequest, grpc.ServerStreamingServer[echopb.EchoResponse]) error
	ClientStreamingEcho(grpc.ClientStreamingServer[echopb.EchoRequest, echopb.EchoResponse]) error
	BidirectionalStreamingEcho(grpc.BidiStreamingServer[echopb.EchoRequest, echopb.EchoResponse]) error
}

// GRPCEchoServiceDesc is the grpc-go service description of the echo
// service. It is written by hand rather than imported from grpc-go's
// examples, whose generated package would register the proto names of
// echopb a second time.
var GRPCEchoServiceDesc = grpc.ServiceDesc{
	ServiceName: "grpc.examples.echo.Echo",
	HandlerType: (*GRPCEchoServer)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "UnaryEcho", Handler: grpcUnaryEchoHandler},
	},
	Streams: []grpc.StreamDesc{
		{StreamName: "ServerStreamingEcho", Handler: grpcServerStreamingEchoHandler, ServerStreams: true},
		{StreamName: "ClientStreamingEcho", Handler: grpcClientStreamingEchoHandler, ClientStreams: true},
		{StreamName: "BidirectionalStreamingEcho", Handler: grpcBidirectionalStreamingEchoHandler, ServerStreams: true, ClientStreams: true},
	},
	Metadata: "echo.proto",
}

// RegisterGRPCEchoServer registers srv on the grpc-go server s.
func RegisterGRPCEchoServer(s grpc.ServiceRegistrar, srv GRPCEchoServer) {
	s.RegisterService(&GRPCEchoServiceDesc, srv)
}

func grpcUnaryEchoHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(echopb.EchoRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(GRPCEchoServer).UnaryEcho(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: echopb.Echo_UnaryEcho_FullMethodName}
	handler := func(ctx context.Context, req any) (any, error) {
		return srv.(GRPCEchoServer).UnaryEcho(ctx, req.(*echopb.EchoRequest))
	}
	return interceptor(ctx, in, info, handler)
}

func grpcServerStreamingEchoHandler(srv any, stream grpc.ServerStream) error {
	in := new(echopb.EchoRequest)
	if err := stream.RecvMsg(in); err != nil {
		return err
	}
	return srv.(GRPCEchoServer).ServerStreamingEcho(in, &grpc.GenericServerStream[echopb.EchoRequest, echopb.EchoResponse]{ServerStream: stream})
}

func grpcClientStreamingEchoHandler(srv any, stream grpc.ServerStream) error {
	return srv.(GRPCEchoServer).ClientStreamingEcho(&grpc.GenericServerStream[echopb.EchoRequest, echopb.EchoResponse]{ServerStream: stream})
}

func grpcBidirectionalStreamingEchoHandler(srv any, stream grpc.ServerStream) error {
	return srv.(GRPCEchoServer).BidirectionalStreamingEcho(&grpc.GenericServerStream[echopb.EchoRequest, echopb.EchoResponse]{ServerStream: stream})
}

// GRPCEcho implements the echo contract of package echoserver on grpc-go.
// It has no state.
type GRPCEcho struct{}

var _ GRPCEchoServer = GRPCEcho{}

// echoControls is what one call's request metadata asks of the server.
type echoControls struct {
	echoed metadata.MD    // the x-echo- keys, for the headers and trailers
	delay  time.Duration  // before each response and before the status
	final  *status.Status // the status to end the call with
}

func controlsOf(ctx context.Context) (echoControls, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	return parseControls(md)
}

// parseControls is echoserver's parseControls on grpc-go's types. The
// x-echo- metadata is returned even when the controls are malformed.
func parseControls(md metadata.MD) (echoControls, error) {
	c := echoControls{echoed: metadata.MD{}, final: status.New(codes.OK, "")}
	for k, v := range md {
		if strings.HasPrefix(k, echoPrefix) {
			c.echoed[k] = append([]string(nil), v...)
		}
	}
	if v, ok, err := single(md, delayKey); err != nil {
		return c, err
	} else if ok {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms < 0 || ms > maxDelayMilliseconds {
			return c, status.Errorf(codes.InvalidArgument, "%s: %q is not a whole number of milliseconds from 0 to %d", delayKey, v, maxDelayMilliseconds)
		}
		c.delay = time.Duration(ms) * time.Millisecond
	}
	v, ok, err := single(md, statusKey)
	if err != nil || !ok {
		return c, err
	}
	code, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return c, status.Errorf(codes.InvalidArgument, "%s: %q is not a status code number (0 to 4294967295)", statusKey, v)
	}
	msg, err := statusMessage(md)
	if err != nil {
		return c, err
	}
	c.final = status.New(codes.Code(code), msg)
	return c, nil
}

func statusMessage(md metadata.MD) (string, error) {
	text, hasText, err := single(md, statusMessageKey)
	if err != nil {
		return "", err
	}
	bin, hasBin, err := single(md, statusMessageBinKey)
	if err != nil {
		return "", err
	}
	switch {
	case hasText && hasBin:
		return "", status.Errorf(codes.InvalidArgument, "set at most one of %s and %s", statusMessageKey, statusMessageBinKey)
	case hasBin:
		if !utf8.ValidString(bin) {
			return "", status.Errorf(codes.InvalidArgument, "%s: value is not valid UTF-8", statusMessageBinKey)
		}
		return bin, nil
	default:
		return text, nil
	}
}

func single(md metadata.MD, key string) (string, bool, error) {
	vals := md.Get(key)
	switch len(vals) {
	case 0:
		return "", false, nil
	case 1:
		return vals[0], true, nil
	default:
		return "", false, status.Errorf(codes.InvalidArgument, "%s: got %d values, want one", key, len(vals))
	}
}

// pause waits d, or returns the call's status if it ends first.
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

// UnaryEcho returns the request message; a delay is waited once.
func (GRPCEcho) UnaryEcho(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	c, parseErr := controlsOf(ctx)
	if err := grpc.SetHeader(ctx, c.echoed); err != nil {
		return nil, err
	}
	if err := grpc.SetTrailer(ctx, c.echoed); err != nil {
		return nil, err
	}
	if parseErr != nil {
		return nil, parseErr
	}
	if err := pause(ctx, c.delay); err != nil {
		return nil, err
	}
	if err := c.final.Err(); err != nil {
		return nil, err
	}
	return &echopb.EchoResponse{Message: req.GetMessage()}, nil
}

// startStream sends the echoed headers at once (or queues them for a
// malformed-controls status) and sets the trailers.
func startStream(stream grpc.ServerStream) (echoControls, error) {
	c, err := controlsOf(stream.Context())
	stream.SetTrailer(c.echoed)
	if err != nil {
		if herr := stream.SetHeader(c.echoed); herr != nil {
			return c, herr
		}
		return c, err
	}
	if err := stream.SendHeader(c.echoed); err != nil {
		return c, err
	}
	return c, nil
}

func send(stream grpc.ServerStreamingServer[echopb.EchoResponse], c echoControls, msg string) error {
	if err := pause(stream.Context(), c.delay); err != nil {
		return err
	}
	return stream.Send(&echopb.EchoResponse{Message: msg})
}

func finish(stream grpc.ServerStream, c echoControls) error {
	if err := pause(stream.Context(), c.delay); err != nil {
		return err
	}
	return c.final.Err()
}

// ServerStreamingEcho sends one response per word of the request message.
func (GRPCEcho) ServerStreamingEcho(req *echopb.EchoRequest, stream grpc.ServerStreamingServer[echopb.EchoResponse]) error {
	c, err := startStream(stream)
	if err != nil {
		return err
	}
	for _, word := range strings.Fields(req.GetMessage()) {
		if err := send(stream, c, word); err != nil {
			return err
		}
	}
	return finish(stream, c)
}

// ClientStreamingEcho answers, after the half-close, with the received
// messages joined by single spaces.
func (GRPCEcho) ClientStreamingEcho(stream grpc.ClientStreamingServer[echopb.EchoRequest, echopb.EchoResponse]) error {
	c, err := startStream(stream)
	if err != nil {
		return err
	}
	var msgs []string
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetMessage())
	}
	if err := pause(stream.Context(), c.delay); err != nil {
		return err
	}
	if err := stream.SendAndClose(&echopb.EchoResponse{Message: strings.Join(msgs, " ")}); err != nil {
		return err
	}
	return finish(stream, c)
}

// BidirectionalStreamingEcho echoes each message as it arrives.
func (GRPCEcho) BidirectionalStreamingEcho(stream grpc.BidiStreamingServer[echopb.EchoRequest, echopb.EchoResponse]) error {
	c, err := startStream(stream)
	if err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return finish(stream, c)
		}
		if err != nil {
			return err
		}
		if err := send(stream, c, req.GetMessage()); err != nil {
			return err
		}
	}
}
