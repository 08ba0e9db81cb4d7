package rpc

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/actorpc/actorpc/internal/bufpool"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/encoding"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// acceptEncoding is the grpc-accept-encoding we send: every registered
// compressor.
func acceptEncoding() string { return strings.Join(encoding.CompressorNames(), ",") }

// compress returns payload compressed with c.
func compress(c encoding.Compressor, payload []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := c.Compress(&buf)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(payload); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decompress undoes compression, reading at most max bytes of output: a
// message that inflates beyond the receive limit is refused as soon as it
// passes it, so no zip bomb is ever held in memory.
func decompress(c encoding.Compressor, data []byte, max int) ([]byte, error) {
	r, err := c.Decompress(bytes.NewReader(data))
	if err != nil {
		return nil, status.Errorf(codes.Internal, "grpc: failed to decompress the message with %s: %v", c.Name(), err)
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, status.Errorf(codes.Internal, "grpc: failed to decompress the message with %s: %v", c.Name(), err)
	}
	if len(out) > max {
		return nil, status.Errorf(codes.ResourceExhausted, "grpc: received message after decompression larger than max (more than %d bytes)", max)
	}
	return out, nil
}

// inflate returns the payload of a received message: as it is when it is
// not compressed, decompressed with the stream's encoding when it is. A
// compressed message needs a grpc-encoding the receiver knows.
func inflate(payload []byte, compressed bool, encodingName string, max int, unknownCode codes.Code) ([]byte, error) {
	if !compressed {
		return payload, nil
	}
	if encodingName == "" {
		return nil, status.Error(codes.Internal, "grpc: received a compressed message but the stream has no grpc-encoding")
	}
	c := encoding.GetCompressor(encodingName)
	if c == nil {
		return nil, status.Errorf(unknownCode, "grpc: no decompressor registered for grpc-encoding %q", encodingName)
	}
	return decompress(c, payload, max)
}

// frameMessage marshals m, compresses it when comp is set, and frames it
// with the gRPC prefix. A codec that knows a message's size first
// (BufferMarshaler) writes the message behind a reserved prefix, saving a
// copy, and into a buffer from bufpool (unless tiny). The framed message is
// always the caller's own buffer: whoever last holds it may put it back
// (bufpool.Put).
func frameMessage(codec encoding.Codec, comp encoding.Compressor, m any, maxSend int) ([]byte, error) {
	framed, _, err := frameMessageSized(codec, comp, m, maxSend)
	return framed, err
}

// frameMessageSized is frameMessage that also tells the message's size
// before compression (the stats handlers' Length).
func frameMessageSized(codec encoding.Codec, comp encoding.Compressor, m any, maxSend int) (framed []byte, length int, _ error) {
	if bm, ok := codec.(encoding.BufferMarshaler); ok && comp == nil {
		framed, err := bm.MarshalInto(m, framingBuffer)
		if err != nil {
			return nil, 0, status.Errorf(codes.Internal, "grpc: error while marshaling: %v", err)
		}
		if n := len(framed) - streamactor.PrefixLen; n > maxSend {
			bufpool.Put(framed)
			return nil, 0, status.Errorf(codes.ResourceExhausted, "grpc: trying to send message larger than max (%d vs. %d)", n, maxSend)
		}
		streamactor.SetPrefix(framed, false)
		return framed, len(framed) - streamactor.PrefixLen, nil
	}
	payload, err := codec.Marshal(m)
	if err != nil {
		return nil, 0, status.Errorf(codes.Internal, "grpc: error while marshaling: %v", err)
	}
	if len(payload) > maxSend {
		return nil, 0, status.Errorf(codes.ResourceExhausted, "grpc: trying to send message larger than max (%d vs. %d)", len(payload), maxSend)
	}
	if comp == nil {
		return streamactor.Frame(payload, false), len(payload), nil
	}
	out, err := compress(comp, payload)
	if err != nil {
		return nil, 0, status.Errorf(codes.Internal, "grpc: error while compressing with %s: %v", comp.Name(), err)
	}
	return streamactor.Frame(out, true), len(payload), nil
}

// framingBuffer returns a buffer for a message of n bytes with its
// prefix: the prefix reserved, room for the message behind it.
func framingBuffer(n int) []byte {
	if b := bufpool.Get(streamactor.PrefixLen + n); b != nil {
		return b[:streamactor.PrefixLen]
	}
	return make([]byte, streamactor.PrefixLen, streamactor.PrefixLen+n)
}

// UseCompressor compresses the call's request messages with the compressor
// registered as name (import rpc/encoding/gzip for "gzip").
func UseCompressor(name string) CallOption { return func(c *callInfo) { c.compressor = name } }

// SetSendCompressor makes the server compress the responses of the call in
// ctx with the compressor registered as name ("identity": none). By default
// a server answers in the request's encoding when it knows it.
func SetSendCompressor(ctx context.Context, name string) error {
	s, ok := ctx.Value(serverStreamKey{}).(*serverStream)
	if !ok {
		return status.Errorf(codes.Internal, "rpc: SetSendCompressor: no call in the context")
	}
	return s.setSendCompressor(name)
}

// SetMessageCompression turns compression of the following messages the
// call in ctx sends on or off, within the call's grpc-encoding (a message
// may always go uncompressed). ctx is a server handler's context or a
// client stream's Context(); call it from the goroutine that sends.
func SetMessageCompression(ctx context.Context, enabled bool) error {
	if s, ok := ctx.Value(serverStreamKey{}).(*serverStream); ok {
		s.compressOff = !enabled
		return nil
	}
	if s, ok := ctx.Value(clientStreamKey{}).(*clientStream); ok {
		s.compressOff = !enabled
		return nil
	}
	return status.Errorf(codes.Internal, "rpc: SetMessageCompression: no call in the context")
}

// RecvCompressed reports whether the last message the call in ctx
// received was compressed; ctx is a server handler's context or a client
// stream's Context(). Call it from the goroutine that receives.
func RecvCompressed(ctx context.Context) bool {
	if s, ok := ctx.Value(serverStreamKey{}).(*serverStream); ok {
		return s.lastCompressed
	}
	if s, ok := ctx.Value(clientStreamKey{}).(*clientStream); ok {
		return s.lastCompressed
	}
	return false
}
