package main

import (
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The packages generated code refers to.
//
// The runtime package must be imported under the name grpc, so the stubs
// read exactly like grpc-go's. protogen names an import after the last
// element of its path, so idents use rpcPackage, a placeholder path ending
// in /grpc, and rewriteImport turns it into the real path in the import
// block, keeping the name.
const (
	contextPackage = protogen.GoImportPath("context")
	rpcPackage     = protogen.GoImportPath("actorpc.placeholder/grpc")
	rpcImportPath  = protogen.GoImportPath("github.com/actorpc/actorpc/rpc")
	codesPackage   = protogen.GoImportPath("github.com/actorpc/actorpc/rpc/codes")
	statusPackage  = protogen.GoImportPath("github.com/actorpc/actorpc/rpc/status")
)

// deprecatedComment is the godoc marker tools (staticcheck, gopls) look for.
const deprecatedComment = "// Deprecated: Do not use."

// names holds the Go identifiers derived from one service. They follow
// protoc-gen-go-grpc's naming so the exported API is the same.
type names struct {
	client      string // XClient, the client interface
	clientImpl  string // xClient, its implementation
	server      string // XServer, the server interface
	unimpl      string // UnimplementedXServer
	unsafe      string // UnsafeXServer
	mustEmbed   string // mustEmbedUnimplementedXServer
	register    string // RegisterXServer
	serviceDesc string // X_ServiceDesc
}

func serviceNames(s *protogen.Service) names {
	return names{
		client:      s.GoName + "Client",
		clientImpl:  lowerFirst(s.GoName) + "Client",
		server:      s.GoName + "Server",
		unimpl:      "Unimplemented" + s.GoName + "Server",
		unsafe:      "Unsafe" + s.GoName + "Server",
		mustEmbed:   "mustEmbedUnimplemented" + s.GoName + "Server",
		register:    "Register" + s.GoName + "Server",
		serviceDesc: s.GoName + "_ServiceDesc",
	}
}

// fullMethodConst names the constant holding a method's :path,
// X_Method_FullMethodName.
func fullMethodConst(m *protogen.Method) string {
	return m.Parent.GoName + "_" + m.GoName + "_FullMethodName"
}

// handlerFunc names the unexported function the ServiceDesc routes a method
// to. The leading underscore keeps it out of the way of any exported name a
// method could produce.
func handlerFunc(m *protogen.Method) string {
	return "_" + m.Parent.GoName + "_" + m.GoName + "_Handler"
}

// streamAlias names the pre-generics stream type, X_MethodClient or
// X_MethodServer, kept as an alias of the generic type.
func streamAlias(m *protogen.Method, side string) string {
	return m.Parent.GoName + "_" + m.GoName + side
}

// lowerFirst unexports an identifier. Service names are ASCII after
// protogen's GoCamelCase, so the first byte is the first rune.
func lowerFirst(s string) string {
	return strings.ToLower(s[:1]) + s[1:]
}

func isUnary(m *protogen.Method) bool {
	return !m.Desc.IsStreamingClient() && !m.Desc.IsStreamingServer()
}

func serviceDeprecated(s *protogen.Service) bool {
	opts, _ := s.Desc.Options().(*descriptorpb.ServiceOptions)
	return opts.GetDeprecated()
}

func methodDeprecated(m *protogen.Method) bool {
	opts, _ := m.Desc.Options().(*descriptorpb.MethodOptions)
	return opts.GetDeprecated()
}

// streamType is the generic stream interface of a streaming method, for
// side "Client" or "Server": grpc.ServerStreamingClient[Res],
// grpc.ClientStreamingServer[Req, Res], grpc.BidiStreamingClient[Req, Res].
func streamType(g *protogen.GeneratedFile, m *protogen.Method, side string) string {
	in := g.QualifiedGoIdent(m.Input.GoIdent)
	out := g.QualifiedGoIdent(m.Output.GoIdent)
	switch {
	case m.Desc.IsStreamingClient() && m.Desc.IsStreamingServer():
		return g.QualifiedGoIdent(rpcPackage.Ident("BidiStreaming"+side)) + "[" + in + ", " + out + "]"
	case m.Desc.IsStreamingClient():
		return g.QualifiedGoIdent(rpcPackage.Ident("ClientStreaming"+side)) + "[" + in + ", " + out + "]"
	default:
		return g.QualifiedGoIdent(rpcPackage.Ident("ServerStreaming"+side)) + "[" + out + "]"
	}
}

// genericStream is the runtime's concrete stream type that implements
// every generic interface of a side: grpc.GenericClientStream[Req, Res] or
// grpc.GenericServerStream[Req, Res].
func genericStream(g *protogen.GeneratedFile, m *protogen.Method, side string) string {
	return g.QualifiedGoIdent(rpcPackage.Ident("Generic"+side+"Stream")) +
		"[" + g.QualifiedGoIdent(m.Input.GoIdent) + ", " + g.QualifiedGoIdent(m.Output.GoIdent) + "]"
}

// serviceComments prints a service's leading proto comment below the
// generated doc paragraph, separated by an empty comment line.
func serviceComments(g *protogen.GeneratedFile, s *protogen.Service) {
	if s.Comments.Leading != "" {
		g.P("//")
		g.P(strings.TrimSpace(s.Comments.Leading.String()))
	}
	if serviceDeprecated(s) {
		g.P("//")
		g.P(deprecatedComment)
	}
}

// rewriteImport gives the runtime package its real import path; every
// other import is left alone.
func rewriteImport(p protogen.GoImportPath) protogen.GoImportPath {
	if p == rpcPackage {
		return rpcImportPath
	}
	return p
}
