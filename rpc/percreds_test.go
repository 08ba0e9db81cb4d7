package rpc_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// tokenCreds are per-RPC credentials that give a bearer token, or fail
// with err, and record what they were asked with.
type tokenCreds struct {
	token        string
	err          error
	requireTLS   bool
	mu           sync.Mutex
	uris         []string
	requestInfos []credentials.RequestInfo
}

func (c *tokenCreds) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	ri, _ := credentials.RequestInfoFromContext(ctx)
	c.mu.Lock()
	c.uris = append(c.uris, uri...)
	c.requestInfos = append(c.requestInfos, ri)
	c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	return map[string]string{"Authorization": "Bearer " + c.token}, nil
}

func (c *tokenCreds) RequireTransportSecurity() bool { return c.requireTLS }

func (c *tokenCreds) asked() ([]string, []credentials.RequestInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.uris...), append([]credentials.RequestInfo(nil), c.requestInfos...)
}

// authProbe answers each call with the authorization metadata it got.
func authProbe() *probe {
	return &probe{
		unary: func(ctx context.Context, _ *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
			md, _ := metadata.FromIncomingContext(ctx)
			return wrapperspb.String(joinValues(md.Get("authorization"))), nil
		},
		bidi: func(stream rpc.ServerStream) error {
			md, _ := metadata.FromIncomingContext(stream.Context())
			return stream.SendMsg(wrapperspb.String(joinValues(md.Get("authorization"))))
		},
	}
}

func joinValues(v []string) string {
	out := ""
	for i, s := range v {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

func TestPerRPCCredentialsMetadataArrives(t *testing.T) {
	addr := serveProbe(t, authProbe())
	creds := &tokenCreds{token: "t0k3n"}
	cc := newProbeClient(t, addr, rpc.WithPerRPCCredentials(creds), rpc.WithAuthority("api.example:443"))

	got, err := callUnary(context.Background(), cc, "")
	require.NoError(t, err)
	assert.Equal(t, "Bearer t0k3n", got)

	// A streaming call carries them too, and they are asked anew.
	stream, err := cc.NewStream(context.Background(), probeBidiDesc, probeBidi)
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())
	in := new(wrapperspb.StringValue)
	require.NoError(t, stream.RecvMsg(in))
	assert.Equal(t, "Bearer t0k3n", in.Value)
	require.Equal(t, io.EOF, stream.RecvMsg(in))

	uris, infos := creds.asked()
	// grpc-go's audience: https, the authority without :443, the service.
	assert.Equal(t, []string{"https://api.example/test.Probe", "https://api.example/test.Probe"}, uris)
	require.Len(t, infos, 2)
	assert.Equal(t, probeUnary, infos[0].Method)
	assert.Equal(t, probeBidi, infos[1].Method)
	require.NotNil(t, infos[0].AuthInfo)
	assert.Equal(t, "insecure", infos[0].AuthInfo.AuthType())
}

func TestPerRPCCredentialsCallOptionAddsToDialOption(t *testing.T) {
	addr := serveProbe(t, authProbe())
	cc := newProbeClient(t, addr, rpc.WithPerRPCCredentials(&tokenCreds{token: "client"}))
	got, err := callUnary(context.Background(), cc, "", rpc.PerRPCCredentials(&tokenCreds{token: "call"}))
	require.NoError(t, err)
	assert.Equal(t, "Bearer client,Bearer call", got)
}

func TestPerRPCCredentialsRequireTransportSecurity(t *testing.T) {
	secure := &tokenCreds{token: "secret", requireTLS: true}

	t.Run("dial option refused by a plaintext client", func(t *testing.T) {
		cc, err := rpc.NewClient("passthrough:///127.0.0.1:1", plaintext(), rpc.WithPerRPCCredentials(secure))
		assert.Nil(t, cc)
		require.Error(t, err)
		assert.Equal(t, "rpc: the credentials require transport level security (use rpc.WithTransportCredentials() to set)", err.Error())
	})

	t.Run("call option refused over plaintext", func(t *testing.T) {
		addr := serveProbe(t, authProbe())
		cc := newProbeClient(t, addr)
		_, err := callUnary(context.Background(), cc, "", rpc.PerRPCCredentials(secure))
		assert.Equal(t, codes.Unauthenticated, status.Code(err))
		assert.Equal(t, "rpc: cannot send secure credentials on an insecure connection", status.Convert(err).Message())
		uris, _ := secure.asked()
		assert.Empty(t, uris, "credentials that are refused are not asked")
	})

	t.Run("accepted over TLS", func(t *testing.T) {
		pki := newTestPKI(t)
		addr := serveProbe(t, authProbe(), rpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pki.server}})))
		creds := &tokenCreds{token: "secret", requireTLS: true}
		cc, err := rpc.NewClient("passthrough:///"+addr,
			rpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pki.pool, "")),
			rpc.WithPerRPCCredentials(creds))
		require.NoError(t, err)
		defer cc.Close()
		got, err := callUnary(context.Background(), cc, "")
		require.NoError(t, err)
		assert.Equal(t, "Bearer secret", got)
		got, err = callUnary(context.Background(), cc, "", rpc.PerRPCCredentials(&tokenCreds{token: "more", requireTLS: true}))
		require.NoError(t, err)
		assert.Equal(t, "Bearer secret,Bearer more", got)
		_, infos := creds.asked()
		require.NotEmpty(t, infos)
		tlsInfo, ok := infos[0].AuthInfo.(credentials.TLSInfo)
		require.True(t, ok, "RequestInfo.AuthInfo is %T", infos[0].AuthInfo)
		assert.Equal(t, credentials.PrivacyAndIntegrity, tlsInfo.SecurityLevel)
	})
}

func TestPerRPCCredentialsErrors(t *testing.T) {
	addr := serveProbe(t, authProbe())
	for _, tc := range []struct {
		name     string
		err      error
		callOpt  bool
		wantCode codes.Code
	}{
		{"dial option, plain error", errors.New("token expired"), false, codes.Unauthenticated},
		{"call option, plain error", errors.New("token expired"), true, codes.Internal},
		{"status error keeps its code", status.Error(codes.PermissionDenied, "revoked"), false, codes.PermissionDenied},
		{"status error keeps its code (call option)", status.Error(codes.Unavailable, "token server down"), true, codes.Unavailable},
		{"A54 restricted code becomes Internal", status.Error(codes.InvalidArgument, "bad scope"), false, codes.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds := &tokenCreds{err: tc.err}
			var cc *rpc.ClientConn
			var opts []rpc.CallOption
			if tc.callOpt {
				cc = newProbeClient(t, addr)
				opts = append(opts, rpc.PerRPCCredentials(creds))
			} else {
				cc = newProbeClient(t, addr, rpc.WithPerRPCCredentials(creds))
			}
			_, err := callUnary(context.Background(), cc, "", opts...)
			assert.Equal(t, tc.wantCode, status.Code(err), "%v", err)
			assert.Contains(t, err.Error(), status.Convert(tc.err).Message())

			_, err = cc.NewStream(context.Background(), probeBidiDesc, probeBidi, opts...)
			assert.Equal(t, tc.wantCode, status.Code(err), "a stream fails alike: %v", err)
		})
	}
}
