package rpc

import (
	"context"
	"errors"
	"strings"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/metadata"
	"github.com/actorpc/actorpc/rpc/status"
)

// errCredsNeedTransportSecurity is NewClient's error when per-RPC
// credentials that require transport security are given to a plaintext
// client.
var errCredsNeedTransportSecurity = errors.New("rpc: the credentials require transport level security (use rpc.WithTransportCredentials() to set)")

// WithPerRPCCredentials makes every call of the client send the metadata
// creds give. When creds require transport security, NewClient refuses
// plaintext transport credentials.
func WithPerRPCCredentials(creds credentials.PerRPCCredentials) DialOption {
	return func(o *dialOptions) { o.perRPCCreds = append(o.perRPCCreds, creds) }
}

// PerRPCCredentials makes the call send the metadata creds give, besides
// those of the client's WithPerRPCCredentials. When creds require
// transport security and the call's connection has none, the call fails
// with Unauthenticated.
func PerRPCCredentials(creds credentials.PerRPCCredentials) CallOption {
	return func(c *callInfo) { c.creds = creds }
}

// checkPerRPCCreds is NewClient's check: credentials that require
// transport security need secure transport credentials.
func (o *dialOptions) checkPerRPCCreds() error {
	if o.creds.Info().SecurityProtocol != "insecure" {
		return nil
	}
	for _, c := range o.perRPCCreds {
		if c.RequireTransportSecurity() {
			return errCredsNeedTransportSecurity
		}
	}
	return nil
}

// errInsecureConn ends a call whose credentials require transport security
// on a connection without it.
var errInsecureConn = status.Error(codes.Unauthenticated, "rpc: cannot send secure credentials on an insecure connection")

// addPerRPCMetadata adds to head's metadata what the per-RPC credentials
// give for an attempt of a call to method on conn (the client's, then the
// call's); it is asked for every attempt, as a token may have expired.
func (cc *ClientConn) addPerRPCMetadata(ctx context.Context, md *metadata.MD, method string, conn *connactor.Conn, ci *callInfo) error {
	if len(cc.opts.perRPCCreds) == 0 && ci.creds == nil {
		return nil
	}
	authInfo := connAuthInfo(conn)
	ctx = credentials.NewContextWithRequestInfo(ctx, credentials.RequestInfo{Method: method, AuthInfo: authInfo})
	uri := cc.audience(method)
	secure := authInfo != nil && credentials.CheckSecurityLevel(authInfo, credentials.PrivacyAndIntegrity) == nil &&
		cc.opts.creds.Info().SecurityProtocol != "insecure"
	add := func(c credentials.PerRPCCredentials, failCode codes.Code) error {
		if c.RequireTransportSecurity() && !secure {
			return errInsecureConn
		}
		data, err := c.GetRequestMetadata(ctx, uri)
		if err != nil {
			return perRPCCredsError(err, failCode)
		}
		if *md == nil {
			*md = metadata.MD{}
		}
		for k, v := range data {
			k = strings.ToLower(k) // HTTP/2 header names are lower case
			(*md)[k] = append((*md)[k], v)
		}
		return nil
	}
	for _, c := range cc.opts.perRPCCreds {
		if err := add(c, codes.Unauthenticated); err != nil {
			return err
		}
	}
	if ci.creds != nil {
		return add(ci.creds, codes.Internal)
	}
	return nil
}

// perRPCCredsError is the status a call ends with when its credentials
// failed with err: their own status, unless its code is one gRFC A54 keeps
// the control plane from producing (Internal then); failCode for any
// other error.
func perRPCCredsError(err error, failCode codes.Code) error {
	if st, ok := status.FromError(err); ok {
		switch st.Code() {
		case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.FailedPrecondition,
			codes.Aborted, codes.OutOfRange, codes.DataLoss:
			return status.Errorf(codes.Internal, "rpc: received per-RPC creds error with illegal status: %v", err)
		}
		return err
	}
	return status.Errorf(failCode, "rpc: per-RPC creds failed due to error: %v", err)
}

// audience is the URI per-RPC credentials are asked for: grpc-go's
// "https://" + authority (without port 443) + "/package.Service".
func (cc *ClientConn) audience(method string) string {
	host := strings.TrimSuffix(cc.authority, ":443")
	service := method
	if i := strings.LastIndex(method, "/"); i >= 0 {
		service = method[:i]
	}
	return "https://" + host + service
}
