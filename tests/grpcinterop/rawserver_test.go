package grpcinterop

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// rawServer answers every stream of one connection with the header blocks
// respond returns (the last one ends the stream), written with a bare
// x/net/http2 framer: the responses a gRPC server would never send but a
// proxy might.
func rawServer(t *testing.T, respond func() [][]hpack.HeaderField) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() {
		lis.Close()
		<-done
	})
	go func() {
		defer close(done)
		nc, err := lis.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		br := bufio.NewReader(nc)
		if _, err := io.ReadFull(br, make([]byte, len(http2.ClientPreface))); err != nil {
			return
		}
		fr := http2.NewFramer(nc, br)
		fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
		if fr.WriteSettings() != nil {
			return
		}
		var buf bytes.Buffer
		enc := hpack.NewEncoder(&buf)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			switch f := f.(type) {
			case *http2.SettingsFrame:
				if !f.IsAck() {
					fr.WriteSettingsAck()
				}
			case *http2.MetaHeadersFrame:
				blocks := respond()
				for i, block := range blocks {
					buf.Reset()
					for _, hf := range block {
						enc.WriteField(hf)
					}
					fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: buf.Bytes(), EndHeaders: true, EndStream: i == len(blocks)-1})
				}
			}
		}
	}()
	return lis.Addr().String()
}

func hf(name, value string) hpack.HeaderField { return hpack.HeaderField{Name: name, Value: value} }

// TestClientMapsResponsesWithoutGRPCStatus: a response without
// grpc-status gets its code from the HTTP status, by PROTOCOL-HTTP2's
// table; 200 without grpc-status is UNKNOWN.
func TestClientMapsResponsesWithoutGRPCStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		blocks [][]hpack.HeaderField
		want   codes.Code
	}{
		{"503 trailers-only", [][]hpack.HeaderField{{hf(":status", "503")}}, codes.Unavailable},
		{"404 trailers-only", [][]hpack.HeaderField{{hf(":status", "404"), hf("content-type", "text/html")}}, codes.Unimplemented},
		{"401 trailers-only", [][]hpack.HeaderField{{hf(":status", "401")}}, codes.Unauthenticated},
		{"418 trailers-only", [][]hpack.HeaderField{{hf(":status", "418")}}, codes.Unknown},
		{"200 trailers without grpc-status", [][]hpack.HeaderField{
			{hf(":status", "200"), hf("content-type", "application/grpc")},
			{hf("x-trailer", "no status")},
		}, codes.Unknown},
		{"503 with grpc-status: grpc-status wins", [][]hpack.HeaderField{{hf(":status", "503"), hf("content-type", "application/grpc"), hf("grpc-status", "5"), hf("grpc-message", "gone")}}, codes.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := rawServer(t, func() [][]hpack.HeaderField { return tc.blocks })
			_, err := newActorpcClient(t, addr).UnaryEcho(callContext(t), &echopb.EchoRequest{Message: "x"})
			assert.Equal(t, tc.want, status.Code(err), "%v", err)
		})
	}
}
