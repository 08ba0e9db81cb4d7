package debugpage

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
	"github.com/actorpc/actorpc/rpc/debug"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// Secrets the calls carry, which the page must never show.
const (
	secretMetadata = "md-value-never-shown"
	secretPayload  = "payload-never-shown"
)

// pace spaces the pumps' messages: enough traffic for every rate to
// move, little enough to leave the machine to the others.
const pace = 20 * time.Millisecond

// busyEcho is an echo server and a client channel with calls running:
// two bidirectional streams ping-ponging, unary calls one after the other,
// and an idle stream held open; and the page of both, served over HTTP.
type busyEcho struct {
	url  string
	idle context.CancelFunc // ends the idle stream, for the ended ring
}

func startBusyEcho(t *testing.T) busyEcho {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := rpc.NewServer()
	echoserver.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	cc, err := rpc.NewClient(lis.Addr().String(), rpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	page := debug.NewHandler(debug.Server(srv), cc)
	mux := http.NewServeMux()
	mux.Handle("/debug/actors", page)
	web := httptest.NewServer(mux)

	ctx, stop := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), "x-secret", secretMetadata))
	client := echopb.NewEchoClient(cc)
	pumps := make(chan error, 3)
	for range 2 {
		go func() { pumps <- pingPong(ctx, client) }()
	}
	go func() { pumps <- unaries(ctx, client) }()
	idleCtx, endIdle := context.WithCancel(ctx)
	idle, err := client.BidirectionalStreamingEcho(idleCtx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idle.Header(); err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() {
		stop()
		for range cap(pumps) {
			if err := <-pumps; err != nil {
				t.Errorf("calls: %v", err)
			}
		}
		endIdle()
		web.Close()
		page.Close()
		cc.Close()
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return busyEcho{url: web.URL + "/debug/actors", idle: endIdle}
}

// pingPong sends a message, waits for its echo, and again, until ctx ends.
func pingPong(ctx context.Context, c echopb.EchoClient) error {
	stream, err := c.BidirectionalStreamingEcho(ctx)
	if err != nil {
		return err
	}
	tick := time.NewTicker(pace)
	defer tick.Stop()
	for {
		if err := stream.Send(&echopb.EchoRequest{Message: secretPayload}); err != nil {
			return ended(ctx, err)
		}
		if _, err := stream.Recv(); err != nil {
			return ended(ctx, err)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}

// unaries makes unary calls one after the other until ctx ends.
func unaries(ctx context.Context, c echopb.EchoClient) error {
	tick := time.NewTicker(pace)
	defer tick.Stop()
	for {
		if _, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: secretPayload}); err != nil {
			return ended(ctx, err)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}

// ended is nil for the error of a call that ended because ctx did.
func ended(ctx context.Context, err error) error {
	if ctx.Err() != nil && (status.Code(err) == codes.Canceled || errors.Is(err, io.EOF)) {
		return nil
	}
	return err
}
