package resolver_test

import (
	"net"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/actorpc/actorpc/rpc/resolver"
	"github.com/actorpc/actorpc/rpc/resolver/internal/resolvertest"
)

// FuzzParseTarget parses arbitrary targets with the registered schemes and
// builds the fixed resolvers (passthrough, unix, static) from them, as a
// channel would. Beyond never panicking:
//   - a refusal is an error with a message that names the package;
//   - an accepted target keeps Raw, has a scheme that is registered or is
//     the default one, and one that a channel knowing no scheme at all
//     would also accept, under the default scheme;
//   - a static target that builds yields exactly its comma-separated
//     entries, each a "host:port".
func FuzzParseTarget(f *testing.F) {
	for _, raw := range []string{
		"localhost:50051", "127.0.0.1:80", "[::1]:80", "example.com", "foo:///bar:1", "/abs/path",
		"dns:///example.com:443", "dns://8.8.8.8:53/example.com:443", "dns:example.com:443", "DNS:///x",
		"passthrough:///localhost:50051", "passthrough:localhost:50051",
		"unix:///tmp/a.sock", "unix:/tmp/a.sock", "unix:rel/a.sock", "unix://host/tmp/a.sock", "unix:",
		"static:///a:1,b:2", "static:///a:1,,b:2", "static://h/a:1", "static:///[::1]:1, x:2",
		"%", "dns:///%zz", "unix:%2Ftmp", ":", "::", "a:b:c", "http://[::1", "\x00", "passthrough:",
	} {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		target, err := resolver.ParseTarget(raw, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "resolver: ") {
				t.Fatalf("ParseTarget(%q): error %q does not name the package", raw, err)
			}
			return
		}
		if target.Raw != raw {
			t.Fatalf("ParseTarget(%q).Raw = %q", raw, target.Raw)
		}
		if target.Scheme != resolver.DefaultScheme && resolver.Get(target.Scheme) == nil {
			t.Fatalf("ParseTarget(%q) chose the unregistered scheme %q", raw, target.Scheme)
		}
		if target.URL.Scheme != target.Scheme || target.URL.Host != target.Authority {
			t.Fatalf("ParseTarget(%q) = %+v: its URL disagrees with its fields", raw, target)
		}
		// A target that names no registered scheme is a dns endpoint, the
		// same whatever the channel knows.
		u, uerr := url.Parse(raw)
		if uerr != nil || u.Scheme == "" || resolver.Get(u.Scheme) == nil {
			bare, err := resolver.ParseTarget(raw, func(string) bool { return false })
			if err != nil || !reflect.DeepEqual(bare, target) {
				t.Fatalf("ParseTarget(%q) = %+v, but with no scheme known %+v, %v", raw, target, bare, err)
			}
		}

		b := resolver.Get(target.Scheme)
		if b == nil || target.Scheme == resolver.DefaultScheme {
			return // dns resolves over the network: package dns fuzzes its endpoint parser
		}
		cc := resolvertest.NewClientConn(t)
		r, err := b.Build(target, cc, resolver.BuildOptions{})
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Build(%q): empty error", raw)
			}
			return
		}
		defer r.Close()
		ev := <-cc.Events()
		if ev.Err != nil {
			t.Fatalf("Build(%q) succeeded but reported %v", raw, ev.Err)
		}
		if target.Scheme != "static" {
			return
		}
		entries := strings.Split(target.Endpoint, ",")
		if len(ev.State.Addresses) != len(entries) {
			t.Fatalf("static %q: %d addresses from %d entries", raw, len(ev.State.Addresses), len(entries))
		}
		for i, a := range ev.State.Addresses {
			if a.Addr != strings.TrimSpace(entries[i]) {
				t.Fatalf("static %q: address %d is %q, entry %q", raw, i, a.Addr, entries[i])
			}
			if _, _, err := net.SplitHostPort(a.Addr); err != nil {
				t.Fatalf("static %q: address %q is not host:port: %v", raw, a.Addr, err)
			}
		}
	})
}
