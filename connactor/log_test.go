package connactor

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// logRecorder is a slog.Handler that keeps every record, for tests.
type logRecorder struct {
	mu      sync.Mutex
	records []logRecord
}

type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r } // unused by connactor
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	attrs := map[string]string{}
	rec.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value.String()
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, logRecord{rec.Level, rec.Message, attrs})
	return nil
}

// find returns the records with message msg.
func (r *logRecorder) find(msg string) []logRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []logRecord
	for _, rec := range r.records {
		if rec.msg == msg {
			out = append(out, rec)
		}
	}
	return out
}

func TestLogKeepaliveFailure(t *testing.T) {
	rec := &logRecorder{}
	kc := newKeepaliveConn(t, RoleClient, Config{KeepaliveTime: 50 * time.Millisecond, KeepaliveTimeout: 100 * time.Millisecond,
		Logger: slog.New(rec)}, true)
	waitConnDone(t, kc.c)
	dead := rec.find("connactor: keepalive found the peer dead; closing")
	require.Len(t, dead, 1)
	require.Equal(t, slog.LevelWarn, dead[0].level)
	require.Equal(t, "client", dead[0].attrs["role"])
	require.Equal(t, kc.c.RemoteAddr().String(), dead[0].attrs["peer"])
	require.Contains(t, dead[0].attrs["error"], "keepalive: no answer to a PING")
	require.Len(t, rec.find("connactor: connected"), 1)
}

func TestLogProtocolViolationResetAndGoAway(t *testing.T) {
	rec := &logRecorder{}
	ch := make(chan acceptedStream, 4)
	cfg := serverConfig(ch)
	cfg.Logger = slog.New(rec)
	c, p := acceptPeer(t, cfg)
	p.headers(1, false, append(requestHeaders("/svc/m"), hf("content-length", "3")...))
	a := waitAccepted(t, ch)
	p.data(1, true, []byte("four"))
	p.waitRST(1)
	a.s.Release()
	// A connection error: GOAWAY(PROTOCOL_ERROR), logged as sent.
	p.headers(5, false, requestHeaders("/svc/m"))
	p.headers(3, false, requestHeaders("/svc/m"))
	p.expectGoAway(http2.ErrCodeProtocol)
	waitConnDone(t, c)

	reset := rec.find("connactor: reset a stream for a protocol violation")
	require.Len(t, reset, 1)
	require.Equal(t, "1", reset[0].attrs["stream"])
	require.Equal(t, "PROTOCOL_ERROR", reset[0].attrs["code"])
	require.Contains(t, reset[0].attrs["debug"], "content-length 3")
	require.Equal(t, "server", reset[0].attrs["role"])
	sent := rec.find("connactor: sent GOAWAY")
	require.NotEmpty(t, sent)
	require.Equal(t, slog.LevelInfo, sent[len(sent)-1].level)
	require.Equal(t, "PROTOCOL_ERROR", sent[len(sent)-1].attrs["code"])
}
