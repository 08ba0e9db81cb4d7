package connactor

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
