package rpc

import "context"

// Method returns the full method name ("/package.Service/Method") of the
// server call ctx belongs to: a handler's or an interceptor's context.
func Method(ctx context.Context) (string, bool) {
	s, ok := ctx.Value(serverStreamKey{}).(*serverStream)
	if !ok {
		return "", false
	}
	return s.method, true
}

// MethodFromServerStream returns the full method name of the call stream
// serves; an UnknownServiceHandler routes on it.
func MethodFromServerStream(stream ServerStream) (string, bool) {
	return Method(stream.Context())
}
