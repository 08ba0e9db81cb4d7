package credentials

import "context"

// PerRPCCredentials attach security metadata to every call, such as an
// OAuth2 token (rpc.WithPerRPCCredentials for every call of a client,
// rpc.PerRPCCredentials for one call).
type PerRPCCredentials interface {
	// GetRequestMetadata returns the metadata the call sends, asked anew
	// for each attempt. ctx is the call's, carrying its RequestInfo; uri is
	// the service's URI, "https://authority/package.Service" (the port
	// 443 left out). An error ends the call: a status error with its own
	// code (one of those gRFC A54 keeps from the control plane, Internal
	// otherwise), any other with Unauthenticated (Internal for the call
	// option's), as grpc-go does.
	GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error)
	// RequireTransportSecurity tells that the metadata must only go over
	// a connection with privacy and integrity (TLS).
	RequireTransportSecurity() bool
}

// RequestInfo describes the call a PerRPCCredentials is asked for.
type RequestInfo struct {
	// Method is the full method name, "/package.Service/Method".
	Method string
	// AuthInfo is what the connection's handshake told of the server.
	AuthInfo AuthInfo
}

type requestInfoKey struct{}

// NewContextWithRequestInfo returns a copy of ctx carrying ri, as the
// client does for GetRequestMetadata; tests of PerRPCCredentials use it.
func NewContextWithRequestInfo(ctx context.Context, ri RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

// RequestInfoFromContext returns the RequestInfo ctx carries, if any.
func RequestInfoFromContext(ctx context.Context) (ri RequestInfo, ok bool) {
	ri, ok = ctx.Value(requestInfoKey{}).(RequestInfo)
	return ri, ok
}
