package rpc_test

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/status"
)

// logRecorder is a slog.Handler that keeps every record, with the
// attributes its logger was given (With) and the record's own.
type logRecorder struct {
	mu      *sync.Mutex
	records *[]logRecord
	with    []slog.Attr
}

type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func newLogRecorder() *logRecorder {
	return &logRecorder{mu: new(sync.Mutex), records: new([]logRecord)}
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }

func (r *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *r
	c.with = append(append([]slog.Attr(nil), r.with...), attrs...)
	return &c
}

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	attrs := map[string]string{}
	for _, a := range r.with {
		attrs[a.Key] = a.Value.String()
	}
	rec.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value.String()
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.records = append(*r.records, logRecord{rec.Level, rec.Message, attrs})
	return nil
}

func (r *logRecorder) find(msg string) []logRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []logRecord
	for _, rec := range *r.records {
		if rec.msg == msg {
			out = append(out, rec)
		}
	}
	return out
}

// startServer serves the Kinds service with opts; the server, to stop,
// and its address.
func startServer(t *testing.T, opts ...rpc.ServerOption) (*rpc.Server, string) {
	t.Helper()
	s := rpc.NewServer(opts...)
	s.RegisterService(kindsDesc(), kinds{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	t.Cleanup(func() {
		s.Stop()
		<-served
	})
	return s, lis.Addr().String()
}

func TestLogGoAwayReceivedByTheClient(t *testing.T) {
	srvLog, cliLog := newLogRecorder(), newLogRecorder()
	s, addr := startServer(t, rpc.Logger(slog.New(srvLog)))
	target := "passthrough:///" + addr
	cc, err := rpc.NewClient(target, plaintext(), rpc.WithLogger(slog.New(cliLog)))
	require.NoError(t, err)
	require.NoError(t, callKind(context.Background(), cc, kindsUnary))
	s.GracefulStop()
	require.NoError(t, cc.Close()) // every goroutine of the client has ended

	connected := cliLog.find("connactor: connected")
	require.NotEmpty(t, connected)
	assert.Equal(t, target, connected[0].attrs["target"])
	got := cliLog.find("connactor: received GOAWAY")
	require.NotEmpty(t, got)
	g := got[0]
	assert.Equal(t, slog.LevelInfo, g.level)
	assert.Equal(t, "NO_ERROR", g.attrs["code"])
	assert.Equal(t, "graceful shutdown", g.attrs["debug"])
	assert.Equal(t, "client", g.attrs["role"])
	assert.Equal(t, addr, g.attrs["peer"])
	assert.Equal(t, target, g.attrs["target"])
	assert.NotEmpty(t, g.attrs["last_stream"])
	// The server told of the GOAWAY it sent.
	sent := srvLog.find("connactor: sent GOAWAY")
	require.NotEmpty(t, sent)
	assert.Equal(t, "server", sent[0].attrs["role"])
}

func TestLogHandshakeFailure(t *testing.T) {
	pki := newTestPKI(t)
	srvLog, cliLog := newLogRecorder(), newLogRecorder()
	s, addr := startServer(t, rpc.Logger(slog.New(srvLog)),
		rpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pki.server}})))
	target := "passthrough:///" + addr
	cc, err := rpc.NewClient(target, plaintext(), rpc.WithLogger(slog.New(cliLog)))
	require.NoError(t, err)
	err = callKind(context.Background(), cc, kindsUnary)
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	require.NoError(t, cc.Close())
	s.Stop() // its handshakes have ended

	failed := cliLog.find("connactor: HTTP/2 handshake failed")
	require.NotEmpty(t, failed)
	assert.Equal(t, target, failed[0].attrs["target"])
	assert.Equal(t, addr, failed[0].attrs["peer"])
	assert.NotEmpty(t, failed[0].attrs["error"])
	srv := srvLog.find("rpc: the credentials' handshake failed")
	require.NotEmpty(t, srv)
	assert.Contains(t, srv[0].attrs["error"], "tls")
	assert.NotEmpty(t, srv[0].attrs["peer"])
}
