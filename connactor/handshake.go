package connactor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Dial runs the client side of the HTTP/2 handshake on nc (the preface,
// our SETTINGS, the wait for the server's SETTINGS) and starts the
// connection's actors. The connection counts as ready only once the
// server's SETTINGS arrived. ctx bounds the handshake and is the parent of
// the connection: when it ends, so does the connection.
func Dial(ctx context.Context, nc net.Conn, cfg Config) (*Conn, error) {
	cfg.Role = RoleClient
	cfg = cfg.withDefaults()
	c, err := dialHandshake(ctx, nc, cfg)
	logHandshake(cfg, nc, err)
	return c, err
}

func dialHandshake(ctx context.Context, nc net.Conn, cfg Config) (*Conn, error) {
	undo := handshakeDeadline(ctx, nc, cfg.HandshakeTimeout)
	defer undo()
	w := newWriter(nc, cfg.WriteTimeout, writerMailbox)
	w.bw.WriteString(clientPreface)
	if err := writeOurSettings(w, cfg); err != nil {
		return nil, handshakeError(cfg.Name, err)
	}
	br := newReadBuf(nc)
	rfr := newReadFramer(br, cfg)
	peer, err := readPeerSettings(rfr)
	if err != nil {
		refuse(w, err)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w (the server hung up before its SETTINGS: does it expect TLS, or not speak HTTP/2?)", err)
		}
		return nil, handshakeError(cfg.Name, err)
	}
	if err := ackPeerSettings(w, peer); err != nil {
		return nil, handshakeError(cfg.Name, err)
	}
	return start(ctx, nc, cfg, br, rfr, w, peer), nil
}

// Accept runs the server side of the handshake on nc: our SETTINGS, the
// client's preface and its SETTINGS, then starts the connection's actors.
func Accept(ctx context.Context, nc net.Conn, cfg Config) (*Conn, error) {
	cfg.Role = RoleServer
	cfg = cfg.withDefaults()
	c, err := acceptHandshake(ctx, nc, cfg)
	logHandshake(cfg, nc, err)
	return c, err
}

func acceptHandshake(ctx context.Context, nc net.Conn, cfg Config) (*Conn, error) {
	undo := handshakeDeadline(ctx, nc, cfg.HandshakeTimeout)
	defer undo()
	w := newWriter(nc, cfg.WriteTimeout, writerMailbox)
	if err := writeOurSettings(w, cfg); err != nil {
		return nil, handshakeError(cfg.Name, err)
	}
	br := newReadBuf(nc)
	preface := make([]byte, len(clientPreface))
	if _, err := io.ReadFull(br, preface); err != nil {
		return nil, handshakeError(cfg.Name, fmt.Errorf("reading the client preface: %w", err))
	}
	if !bytes.Equal(preface, []byte(clientPreface)) {
		return nil, handshakeError(cfg.Name, fmt.Errorf("the client did not open with the HTTP/2 preface (got %q): it does not speak HTTP/2 with prior knowledge", preface))
	}
	rfr := newReadFramer(br, cfg)
	peer, err := readPeerSettings(rfr)
	if err != nil {
		refuse(w, err)
		return nil, handshakeError(cfg.Name, err)
	}
	if err := ackPeerSettings(w, peer); err != nil {
		return nil, handshakeError(cfg.Name, err)
	}
	return start(ctx, nc, cfg, br, rfr, w, peer), nil
}

func newReadFramer(r io.Reader, cfg Config) *http2.Framer {
	fr := http2.NewFramer(nil, r)
	// The reader copies what it keeps out of every frame, so the framer may
	// reuse its frame values.
	fr.SetReuseFrames()
	fr.SetMaxReadFrameSize(cfg.MaxFrameSize)
	fr.MaxHeaderListSize = cfg.MaxHeaderListSize
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	return fr
}

func writeOurSettings(w *writer, cfg Config) error {
	if err := w.fr.WriteSettings(cfg.settings()...); err != nil {
		return err
	}
	if cfg.ConnWindow > defaultWindow {
		if err := w.fr.WriteWindowUpdate(0, cfg.ConnWindow-defaultWindow); err != nil {
			return err
		}
	}
	return w.flush()
}

// readPeerSettings reads the first frame, which RFC 9113 3.4 says must be
// a SETTINGS frame.
func readPeerSettings(fr *http2.Framer) ([]http2.Setting, error) {
	frame, err := fr.ReadFrame()
	if err != nil {
		return nil, fmt.Errorf("reading the peer's SETTINGS: %w", err)
	}
	sf, ok := frame.(*http2.SettingsFrame)
	if !ok || sf.IsAck() {
		return nil, fmt.Errorf("the peer's first frame is %v, want SETTINGS", frame.Header().Type)
	}
	f := copyFrame(sf)
	if err := validSettings(f.settings); err != nil {
		return nil, err
	}
	return f.settings, nil
}

// refuse tells a peer whose opening was wrong why, with GOAWAY, before the
// connection is closed.
func refuse(w *writer, err error) {
	code := http2.ErrCodeProtocol
	var pe protocolError
	var ce http2.ConnectionError
	switch {
	case errors.As(err, &pe):
		code = pe.code
	case errors.As(err, &ce):
		// A bad SETTINGS value carries its own code (RFC 9113 6.5.2:
		// INITIAL_WINDOW_SIZE above 2^31-1 is FLOW_CONTROL_ERROR).
		code = http2.ErrCode(ce)
	}
	w.fr.WriteGoAway(0, code, []byte(err.Error()))
	w.flush()
}

func ackPeerSettings(w *writer, peer []http2.Setting) error {
	w.applyPeerSettings(peer)
	if err := w.fr.WriteSettingsAck(); err != nil {
		return err
	}
	return w.flush()
}
