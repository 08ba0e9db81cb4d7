// Package codes defines the canonical gRPC status codes.
//
// The numeric values are fixed by the gRPC protocol (they travel on the wire
// in the grpc-status trailer) and the constant names match grpc-go's
// google.golang.org/grpc/codes so that code written against grpc-go reads the
// same here.
package codes
