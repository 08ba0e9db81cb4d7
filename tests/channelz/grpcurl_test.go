package channelz

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGrpcurlCallsChannelzThroughReflection: grpcurl, given no .proto
// file, lists the admin services, describes Channelz and calls it.
func TestGrpcurlCallsChannelzThroughReflection(t *testing.T) {
	s := startEchoServe(t)

	code, out, errOut := run(t, grpcurlBin, "-plaintext", s.admin, "list")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "grpc.channelz.v1.Channelz\ngrpc.health.v1.Health\ngrpc.reflection.v1.ServerReflection\ngrpc.reflection.v1alpha.ServerReflection\n", out)

	code, out, errOut = run(t, grpcurlBin, "-plaintext", s.admin, "describe", "grpc.channelz.v1.Channelz")
	require.Equal(t, 0, code, errOut)
	for _, m := range []string{"GetTopChannels", "GetServers", "GetServer", "GetServerSockets", "GetChannel", "GetSubchannel", "GetSocket"} {
		assert.Contains(t, out, "rpc "+m+" (", m)
	}

	code, out, errOut = run(t, grpcurlBin, "-plaintext", "-d", `{"message": "counted"}`, s.addr, "grpc.examples.echo.Echo/UnaryEcho")
	require.Equal(t, 0, code, errOut)

	var servers struct {
		Server []struct {
			Ref struct {
				ServerID string `json:"serverId"`
			} `json:"ref"`
			Data struct {
				CallsStarted   string `json:"callsStarted"`
				CallsSucceeded string `json:"callsSucceeded"`
			} `json:"data"`
			ListenSocket []struct{ Name string } `json:"listenSocket"`
		} `json:"server"`
		End bool `json:"end"`
	}
	// grpcurl's reflection stream is a call too: count only the OK ones.
	eventually(t, "the echo server counts grpcurl's call", func() bool {
		code, out, errOut = run(t, grpcurlBin, "-plaintext", s.admin, "grpc.channelz.v1.Channelz/GetServers")
		require.Equal(t, 0, code, errOut)
		require.NoError(t, json.Unmarshal([]byte(out), &servers), out)
		for _, srv := range servers.Server {
			if len(srv.ListenSocket) == 1 && srv.ListenSocket[0].Name == s.addr {
				return srv.Data.CallsStarted != "" && srv.Data.CallsSucceeded != "" && srv.Data.CallsSucceeded != "0"
			}
		}
		return false
	})
	assert.True(t, servers.End)

	code, out, errOut = run(t, grpcurlBin, "-plaintext", "-d", `{"socket_id": 1099511627776}`, s.admin, "grpc.channelz.v1.Channelz/GetSocket")
	assert.NotEqual(t, 0, code)
	assert.True(t, strings.Contains(errOut+out, "NotFound"), "%s%s", out, errOut)
}
