package channel

import (
	"testing"
	"time"
)

// TestTargetSchemes: one backend reached through each way of naming a
// TCP address: a bare IP:port (dns, an IP literal needs no lookup),
// dns:///, passthrough:/// and static:///.
func TestTargetSchemes(t *testing.T) {
	ctx := testContext(t, 20*time.Second)
	be := startBackend(t, "a", "tcp", "127.0.0.1:0")
	for _, target := range []string{
		be.addr,
		"dns:///" + be.addr,
		"passthrough:///" + be.addr,
		"static:///" + be.addr,
	} {
		t.Run(target, func(t *testing.T) {
			cc, client := newClient(t, target)
			for i := range 3 {
				r := call(ctx, client, callTimeout)
				if r.err != nil || r.backend != "a" {
					t.Fatalf("call %d through %q: backend %q, err %v", i, target, r.backend, r.err)
				}
			}
			cc.Close()
		})
	}
	if n := be.hits.Load(); n != 12 {
		t.Errorf("the backend ran %d calls, want 12", n)
	}
}
