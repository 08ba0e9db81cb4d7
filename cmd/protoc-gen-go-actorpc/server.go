package main

import (
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
)

// server writes XServer, UnimplementedXServer, UnsafeXServer,
// RegisterXServer, one handler per method and the X_MethodServer aliases.
func (sg serviceGen) server() {
	sg.serverInterface()
	sg.unimplemented()
	sg.unsafe()
	sg.register()
	for _, m := range sg.service.Methods {
		if isUnary(m) {
			sg.unaryHandler(m)
		} else {
			sg.streamHandler(m)
		}
	}
}

func (sg serviceGen) mustOrShould() string {
	if sg.opts.requireUnimplemented {
		return "must"
	}
	return "should"
}

func (sg serviceGen) serverInterface() {
	g, n := sg.g, sg.names
	g.P("// ", n.server, " is the server API of the ", sg.service.GoName, " service.")
	g.P("// Implementations ", sg.mustOrShould(), " embed ", n.unimpl, ", so that methods added")
	g.P("// to the service later answer Unimplemented instead of breaking the build.")
	serviceComments(g, sg.service)
	g.AnnotateSymbol(n.server, protogen.Annotation{Location: sg.service.Location})
	g.P("type ", n.server, " interface {")
	for _, m := range sg.service.Methods {
		g.AnnotateSymbol(n.server+"."+m.GoName, protogen.Annotation{Location: m.Location})
		if methodDeprecated(m) {
			g.P(deprecatedComment)
		}
		g.P(m.Comments.Leading, sg.serverSignature(m))
	}
	if sg.opts.requireUnimplemented {
		g.P(n.mustEmbed, "()")
	}
	g.P("}")
	g.P()
}

// serverSignature is a method of XServer: unary methods take a context and
// the request and return the response; streaming methods get the stream
// (and the request, when only the server streams) and return the status.
func (sg serviceGen) serverSignature(m *protogen.Method) string {
	g := sg.g
	var params []string
	result := "error"
	if isUnary(m) {
		params = append(params, g.QualifiedGoIdent(contextPackage.Ident("Context")))
		result = "(*" + g.QualifiedGoIdent(m.Output.GoIdent) + ", error)"
	}
	if !m.Desc.IsStreamingClient() {
		params = append(params, "*"+g.QualifiedGoIdent(m.Input.GoIdent))
	}
	if !isUnary(m) {
		params = append(params, streamType(g, m, "Server"))
	}
	return m.GoName + "(" + strings.Join(params, ", ") + ") " + result
}

func (sg serviceGen) unimplemented() {
	g, n := sg.g, sg.names
	g.P("// ", n.unimpl, " answers every method with codes.Unimplemented.")
	g.P("// Server implementations ", sg.mustOrShould(), " embed it, by value: embedded as a nil")
	g.P("// pointer its methods would dereference nil, which ", n.register)
	g.P("// detects at registration.")
	g.P("type ", n.unimpl, " struct{}")
	g.P()
	for _, m := range sg.service.Methods {
		g.P("func (", n.unimpl, ") ", sg.serverSignature(m), " {")
		nilResult := ""
		if isUnary(m) {
			nilResult = "nil, "
		}
		g.P("return ", nilResult, statusPackage.Ident("Errorf"), "(", codesPackage.Ident("Unimplemented"),
			`, "method `, m.GoName, ` not implemented")`)
		g.P("}")
	}
	if sg.opts.requireUnimplemented {
		g.P("func (", n.unimpl, ") ", n.mustEmbed, "() {}")
	}
	g.P("func (", n.unimpl, ") testEmbeddedByValue() {}")
	g.P()
}

func (sg serviceGen) unsafe() {
	g, n := sg.g, sg.names
	g.P("// ", n.unsafe, " may be embedded instead of ", n.unimpl, " to opt out of")
	g.P("// forward compatibility: a method added to ", n.server, " then breaks the")
	g.P("// build of the implementation. Its use is not recommended.")
	g.P("type ", n.unsafe, " interface {")
	g.P(n.mustEmbed, "()")
	g.P("}")
	g.P()
}

func (sg serviceGen) register() {
	g, n := sg.g, sg.names
	g.P("// ", n.register, " registers srv on s, normally a *", rpcPackage.Ident("Server"), " before Serve.")
	if serviceDeprecated(sg.service) {
		g.P("//")
		g.P(deprecatedComment)
	}
	g.P("func ", n.register, "(s ", rpcPackage.Ident("ServiceRegistrar"), ", srv ", n.server, ") {")
	g.P("// A nil *", n.unimpl, " embedded by pointer panics here, at start-up,")
	g.P("// rather than later when a client calls a method srv does not implement.")
	g.P("if t, ok := srv.(interface{ testEmbeddedByValue() }); ok {")
	g.P("t.testEmbeddedByValue()")
	g.P("}")
	g.P("s.RegisterService(&", n.serviceDesc, ", srv)")
	g.P("}")
	g.P()
}

// unaryHandler decodes the request and calls the method, through the
// server's interceptor when it has one.
func (sg serviceGen) unaryHandler(m *protogen.Method) {
	g, n := sg.g, sg.names
	ctx := g.QualifiedGoIdent(contextPackage.Ident("Context"))
	g.P("func ", handlerFunc(m), "(srv any, ctx ", ctx, ", dec func(any) error, interceptor ", rpcPackage.Ident("UnaryServerInterceptor"), ") (any, error) {")
	g.P("in := new(", m.Input.GoIdent, ")")
	g.P("if err := dec(in); err != nil {")
	g.P("return nil, err")
	g.P("}")
	g.P("if interceptor == nil {")
	g.P("return srv.(", n.server, ").", m.GoName, "(ctx, in)")
	g.P("}")
	g.P("info := &", rpcPackage.Ident("UnaryServerInfo"), "{")
	g.P("Server: srv,")
	g.P("FullMethod: ", fullMethodConst(m), ",")
	g.P("}")
	g.P("handler := func(ctx ", ctx, ", req any) (any, error) {")
	g.P("return srv.(", n.server, ").", m.GoName, "(ctx, req.(*", m.Input.GoIdent, "))")
	g.P("}")
	g.P("return interceptor(ctx, in, info, handler)")
	g.P("}")
	g.P()
}

// streamHandler wraps the stream in the generic typed stream. When only
// the server streams, the single request is read before the method runs.
func (sg serviceGen) streamHandler(m *protogen.Method) {
	g, n := sg.g, sg.names
	stream := genericStream(g, m, "Server")
	g.P("func ", handlerFunc(m), "(srv any, stream ", rpcPackage.Ident("ServerStream"), ") error {")
	if !m.Desc.IsStreamingClient() {
		g.P("m := new(", m.Input.GoIdent, ")")
		g.P("if err := stream.RecvMsg(m); err != nil {")
		g.P("return err")
		g.P("}")
		g.P("return srv.(", n.server, ").", m.GoName, "(m, &", stream, "{ServerStream: stream})")
	} else {
		g.P("return srv.(", n.server, ").", m.GoName, "(&", stream, "{ServerStream: stream})")
	}
	g.P("}")
	g.P()

	g.P("// ", streamAlias(m, "Server"), " is the name this stream type had before the generic")
	g.P("// stream types; the alias keeps code that names it compiling.")
	g.P("type ", streamAlias(m, "Server"), " = ", streamType(g, m, "Server"))
	g.P()
}
