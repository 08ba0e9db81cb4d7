package rpc_test

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/peer"
	"github.com/actorpc/actorpc/rpc/status"
)

// peerProbe answers each call with what peer.FromContext told its handler:
// the client's address, then the client certificate's CN or the auth type.
func peerProbe() *probe {
	describe := func(ctx context.Context) (string, error) {
		p, ok := peer.FromContext(ctx)
		if !ok {
			return "", status.Error(codes.Internal, "no peer in the handler's context")
		}
		who := p.AuthInfo.AuthType()
		if tlsInfo, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(tlsInfo.State.PeerCertificates) > 0 {
			who = "cn=" + tlsInfo.State.PeerCertificates[0].Subject.CommonName
		}
		return p.Addr.String() + " " + p.LocalAddr.String() + " " + who, nil
	}
	return &probe{
		unary: func(ctx context.Context, _ *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
			d, err := describe(ctx)
			return wrapperspb.String(d), err
		},
		bidi: func(stream rpc.ServerStream) error {
			d, err := describe(stream.Context())
			if err != nil {
				return err
			}
			return stream.SendMsg(wrapperspb.String(d))
		},
	}
}

func TestPeerOverPlaintext(t *testing.T) {
	addr := serveProbe(t, peerProbe())
	cc := newProbeClient(t, addr)
	var p peer.Peer
	got, err := callUnary(context.Background(), cc, "", rpc.Peer(&p))
	require.NoError(t, err)

	// The client saw the server at addr, and the server saw the client at
	// the client's local address.
	require.NotNil(t, p.Addr)
	assert.Equal(t, addr, p.Addr.String())
	require.NotNil(t, p.LocalAddr)
	assert.Equal(t, p.LocalAddr.String()+" "+addr+" insecure", got)
	require.NotNil(t, p.AuthInfo)
	assert.Equal(t, "insecure", p.AuthInfo.AuthType())
	assert.NoError(t, credentials.CheckSecurityLevel(p.AuthInfo, credentials.NoSecurity))
	assert.Error(t, credentials.CheckSecurityLevel(p.AuthInfo, credentials.PrivacyAndIntegrity),
		"plaintext reports NoSecurity")
}

func TestPeerOverMutualTLS(t *testing.T) {
	pki := newTestPKI(t)
	addr := serveProbe(t, peerProbe(), rpc.Creds(pki.serverMTLS()))
	cc, err := rpc.NewClient("passthrough:///"+addr, rpc.WithTransportCredentials(pki.clientMTLS()))
	require.NoError(t, err)
	defer cc.Close()

	var p peer.Peer
	got, err := callUnary(context.Background(), cc, "", rpc.Peer(&p))
	require.NoError(t, err)
	require.NotNil(t, p.LocalAddr)
	assert.Equal(t, p.LocalAddr.String()+" "+addr+" cn="+testClientName, got, "the handler sees the client certificate")

	// The client learns the server's certificate and the security level.
	tlsInfo, ok := p.AuthInfo.(credentials.TLSInfo)
	require.True(t, ok, "AuthInfo is %T", p.AuthInfo)
	assert.Equal(t, credentials.PrivacyAndIntegrity, tlsInfo.GetCommonAuthInfo().SecurityLevel)
	require.NotEmpty(t, tlsInfo.State.PeerCertificates)
	assert.Equal(t, "server", tlsInfo.State.PeerCertificates[0].Subject.CommonName)

	// A streaming call's handler sees the peer too, and so does the
	// Peer option of the stream.
	var sp peer.Peer
	stream, err := cc.NewStream(context.Background(), probeBidiDesc, probeBidi, rpc.Peer(&sp))
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())
	in := new(wrapperspb.StringValue)
	require.NoError(t, stream.RecvMsg(in))
	assert.Contains(t, in.Value, " cn="+testClientName)
	assert.Equal(t, io.EOF, stream.RecvMsg(in))
	require.NotNil(t, sp.Addr)
	assert.Equal(t, addr, sp.Addr.String())
	assert.Equal(t, "tls", sp.AuthInfo.AuthType())
}

func TestPeerInServerInterceptor(t *testing.T) {
	var seen *peer.Peer
	addr := serveProbe(t, &probe{}, rpc.UnaryInterceptor(func(ctx context.Context, req any, info *rpc.UnaryServerInfo, handler rpc.UnaryHandler) (any, error) {
		seen, _ = peer.FromContext(ctx)
		return handler(ctx, req)
	}))
	cc := newProbeClient(t, addr)
	_, err := callUnary(context.Background(), cc, "x")
	require.NoError(t, err)
	require.NotNil(t, seen)
	assert.Equal(t, addr, seen.LocalAddr.String())
}
