#!/bin/sh
# protoc runs this as its Go plugin (see gen.go). `go run` without a version
# builds protoc-gen-go at the google.golang.org/protobuf version go.mod
# requires, so the generated code always matches the runtime it uses.
exec go run google.golang.org/protobuf/cmd/protoc-gen-go "$@"
