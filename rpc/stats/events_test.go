package stats_test

import (
	"testing"

	"github.com/actorpc/actorpc/rpc/stats"
)

// Every event tells its side, as grpc-go's do: a handler shared by a
// client and a server tells them apart by IsClient.
func TestEventsTellTheirSide(t *testing.T) {
	for _, client := range []bool{false, true} {
		for _, ev := range []stats.RPCStats{
			&stats.Begin{Client: client}, &stats.InHeader{Client: client}, &stats.InPayload{Client: client},
			&stats.InTrailer{Client: client}, &stats.OutHeader{Client: client}, &stats.OutPayload{Client: client},
			&stats.OutTrailer{Client: client}, &stats.End{Client: client},
		} {
			if ev.IsClient() != client {
				t.Errorf("%T.IsClient() = %t, want %t", ev, ev.IsClient(), client)
			}
		}
		for _, ev := range []stats.ConnStats{&stats.ConnBegin{Client: client}, &stats.ConnEnd{Client: client}} {
			if ev.IsClient() != client {
				t.Errorf("%T.IsClient() = %t, want %t", ev, ev.IsClient(), client)
			}
		}
	}
}
