package opentelemetry

// join returns one option that applies opts in order. rpc.DialOption and
// rpc.ServerOption are functions of an unexported options struct, which
// type inference names here as A; grpc-go does the same job with its
// internal JoinDialOptions and JoinServerOptions.
func join[O ~func(A), A any](opts ...O) O {
	return func(a A) {
		for _, opt := range opts {
			opt(a)
		}
	}
}
