// Package serviceconfig parses gRPC's JSON service config: the settings a
// service owner publishes (usually through the name resolver) for every
// client of the service: which load-balancing policy to use, and per method
// the default timeout, wait-for-ready, message size limits and retry or
// hedging policy, plus the channel-wide retry throttle.
//
// The format is fixed by the gRPC documents (doc/service_config.md, the
// proto3 JSON mapping of grpc/service_config/service_config.proto, and the
// A6 client retries proposal), so a config written for grpc-go or grpc-java
// means the same here. Settings this package does not implement are
// ignored like any unknown field.
//
// A parsed Config is immutable: the channel actor can hand the same *Config
// to any number of call goroutines without copying or locking. The one
// mutable piece, the retry throttle's token count, lives in a Throttle that
// the channel actor owns.
package serviceconfig
