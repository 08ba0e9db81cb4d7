package rpc

// Options that size what one HTTP/2 connection lets its peer send, with
// grpc-go's names. They become the connection's SETTINGS and windows
// (connactor.Config); zero keeps actorpc's defaults (1 MiB per stream,
// 4 MiB per connection, 64 KiB of headers).
//
// By default the windows are dynamic, as grpc-go's are: each connection
// measures its bandwidth-delay product with PINGs and grows its windows to
// it, up to 16 MiB (a server's also up to its ConnectionMemoryBudget).
// Setting either window (the server's InitialWindowSize or
// InitialConnWindowSize, the client's WithInitialWindowSize or
// WithInitialConnWindowSize) fixes both at what is set, as in grpc-go.

// minWindow is the smallest receive window these options accept: HTTP/2's
// initial window (RFC 9113 6.9.2). grpc-go ignores smaller values too.
const minWindow = 65535

// InitialWindowSize sets the receive window of each stream the server
// serves and turns the windows' growth (BDP estimation) off; below 64 KiB
// it is ignored, as grpc-go ignores it.
func InitialWindowSize(s int32) ServerOption {
	return func(o *serverOptions) {
		if s >= minWindow {
			o.streamWindow = uint32(s)
		}
	}
}

// InitialConnWindowSize sets the receive window of each connection of the
// server and turns the windows' growth (BDP estimation) off; below 64 KiB
// it is ignored.
func InitialConnWindowSize(s int32) ServerOption {
	return func(o *serverOptions) {
		if s >= minWindow {
			o.connWindow = uint32(s)
		}
	}
}

// MaxHeaderListSize is the largest header list (request headers or
// trailers, as HPACK decodes them) the server accepts; it is announced in
// SETTINGS_MAX_HEADER_LIST_SIZE, and a larger one fails its stream.
func MaxHeaderListSize(s uint32) ServerOption {
	return func(o *serverOptions) { o.maxHeaderListSize = s }
}

// WithInitialWindowSize sets the receive window of each stream of the
// client's connections and turns the windows' growth (BDP estimation)
// off; below 64 KiB it is ignored.
func WithInitialWindowSize(s int32) DialOption {
	return func(o *dialOptions) {
		if s >= minWindow {
			o.streamWindow = uint32(s)
		}
	}
}

// WithInitialConnWindowSize sets the receive window of each of the
// client's connections and turns the windows' growth (BDP estimation)
// off; below 64 KiB it is ignored.
func WithInitialConnWindowSize(s int32) DialOption {
	return func(o *dialOptions) {
		if s >= minWindow {
			o.connWindow = uint32(s)
		}
	}
}

// WithMaxHeaderListSize is the largest header list (response headers or
// trailers) the client accepts; a larger one fails its call.
func WithMaxHeaderListSize(s uint32) DialOption {
	return func(o *dialOptions) { o.maxHeaderListSize = s }
}

// WithDisableHealthCheck turns client-side health checking off for this
// client, whatever the service config's healthCheckConfig says.
func WithDisableHealthCheck() DialOption {
	return func(o *dialOptions) { o.disableHealthCheck = true }
}
