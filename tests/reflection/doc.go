// Package reflection checks actorpc's server reflection (rpc/reflection)
// with grpcurl, the tool people point at a server to list, describe and
// call it without its .proto files. grpcurl runs as a separate process,
// built from the tests module at the version go.mod pins.
package reflection
