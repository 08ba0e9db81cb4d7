package rpc

import (
	"testing"

	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

func TestCanonicalTarget(t *testing.T) {
	creds := WithTransportCredentials(insecure.NewCredentials())
	cases := []struct {
		target string
		dial   bool
		want   string
	}{
		{"localhost:50051", false, "dns:///localhost:50051"},
		{"dns:///example.com:443", false, "dns:///example.com:443"},
		{"localhost:50051", true, "passthrough:///localhost:50051"},
		{"unix:///tmp/echo.sock", false, "unix:///tmp/echo.sock"},
	}
	for _, c := range cases {
		var cc *ClientConn
		var err error
		if c.dial {
			cc, err = Dial(c.target, creds)
		} else {
			cc, err = NewClient(c.target, creds)
		}
		if err != nil {
			t.Fatalf("%q: %v", c.target, err)
		}
		if got := cc.CanonicalTarget(); got != c.want {
			t.Errorf("CanonicalTarget of %q (Dial %v) = %q, want %q", c.target, c.dial, got, c.want)
		}
		if got := cc.Target(); got != c.target {
			t.Errorf("Target = %q, want %q", got, c.target)
		}
		cc.Close()
	}
}
