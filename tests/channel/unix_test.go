package channel

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/status"
)

// TestUnixTargets: a server on a unix socket is reached through each
// spelling of gRPC's naming spec: "unix:///abs/path", "unix:/abs/path"
// and "unix:rel/path" (relative to the working directory).
func TestUnixTargets(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	dir := t.TempDir()
	path := filepath.Join(dir, "echo.sock")
	be := startBackend(t, "unix", "unix", path)
	t.Chdir(dir)
	for _, target := range []string{
		"unix://" + path, // path is absolute: "unix:///..."
		"unix:" + path,
		"unix:echo.sock",
		"unix:./echo.sock",
	} {
		t.Run(target, func(t *testing.T) {
			cc, client := newClient(t, target)
			for i := range 3 {
				r := call(ctx, client, callTimeout)
				if r.err != nil || r.backend != "unix" {
					t.Fatalf("call %d through %q: backend %q, err %v", i, target, r.backend, r.err)
				}
			}
			if err := cc.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	if n := be.hits.Load(); n != 12 {
		t.Errorf("the unix backend ran %d calls, want 12", n)
	}
}

// TestUnixTargetWithAuthorityRejected: "unix://host/path" names an
// authority a socket cannot have; the channel refuses it at once, on the
// first call, instead of dialling something else.
func TestUnixTargetWithAuthorityRejected(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	dir := t.TempDir()
	path := filepath.Join(dir, "echo.sock")
	startBackend(t, "unix", "unix", path)
	_, client := newClient(t, "unix://somehost"+path)
	r := call(ctx, client, callTimeout)
	if r.code() != codes.Unavailable || !strings.Contains(status.Convert(r.err).Message(), `authority "somehost"`) {
		t.Fatalf("a call through %q: backend %q, err %v; want Unavailable naming the authority", "unix://somehost"+path, r.backend, r.err)
	}
}
