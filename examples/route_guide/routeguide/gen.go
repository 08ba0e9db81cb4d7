// Package routeguide holds the example's messages (route_guide.pb.go, by
// protoc-gen-go) and service stubs (route_guide_actorpc.pb.go, by
// protoc-gen-go-actorpc). A user generates them with protoc:
//
//	protoc --go_out=. --go_opt=paths=source_relative \
//	    --go-actorpc_out=. --go-actorpc_opt=paths=source_relative route_guide.proto
//
// This repository runs the same two plugins without protoc (genproto
// compiles the file in-process); `go generate` regenerates them.

//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I . --go_out=. --go_opt=paths=source_relative --go-actorpc_out=. --go-actorpc_opt=paths=source_relative route_guide.proto

package routeguide
