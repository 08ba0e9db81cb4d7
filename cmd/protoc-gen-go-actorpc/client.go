package main

import "google.golang.org/protobuf/compiler/protogen"

// client writes XClient, its implementation, NewXClient, and the
// backwards-compatible X_MethodClient aliases.
func (sg serviceGen) client() {
	g, n := sg.g, sg.names
	g.P("// ", n.client, " is the client API of the ", sg.service.GoName, " service.")
	g.P("//")
	g.P("// How a call's context and a stream's end work is described at ")
	g.P("// ", rpcPackage.Ident("ClientConn"), ".NewStream.")
	serviceComments(g, sg.service)
	g.AnnotateSymbol(n.client, protogen.Annotation{Location: sg.service.Location})
	g.P("type ", n.client, " interface {")
	for _, m := range sg.service.Methods {
		g.AnnotateSymbol(n.client+"."+m.GoName, protogen.Annotation{Location: m.Location})
		if methodDeprecated(m) {
			g.P(deprecatedComment)
		}
		g.P(m.Comments.Leading, sg.clientSignature(m))
	}
	g.P("}")
	g.P()

	// The implementation holds the interface, not *ClientConn, so tests and
	// wrappers can make the calls go anywhere.
	g.P("type ", n.clientImpl, " struct {")
	g.P("cc ", rpcPackage.Ident("ClientConnInterface"))
	g.P("}")
	g.P()

	g.P("// New", n.client, " returns the ", n.client, " that makes its calls on cc.")
	if serviceDeprecated(sg.service) {
		g.P("//")
		g.P(deprecatedComment)
	}
	g.P("func New", n.client, "(cc ", rpcPackage.Ident("ClientConnInterface"), ") ", n.client, " {")
	g.P("return &", n.clientImpl, "{cc}")
	g.P("}")
	g.P()

	streamIndex := 0
	for _, m := range sg.service.Methods {
		if isUnary(m) {
			sg.unaryClientMethod(m)
			continue
		}
		sg.streamClientMethod(m, streamIndex)
		streamIndex++
	}
}

// clientSignature is a method of XClient: the request is a parameter
// unless the client streams, and the result is the response or a stream.
func (sg serviceGen) clientSignature(m *protogen.Method) string {
	g := sg.g
	s := m.GoName + "(ctx " + g.QualifiedGoIdent(contextPackage.Ident("Context"))
	if !m.Desc.IsStreamingClient() {
		s += ", in *" + g.QualifiedGoIdent(m.Input.GoIdent)
	}
	s += ", opts ..." + g.QualifiedGoIdent(rpcPackage.Ident("CallOption")) + ") ("
	if isUnary(m) {
		s += "*" + g.QualifiedGoIdent(m.Output.GoIdent)
	} else {
		s += streamType(g, m, "Client")
	}
	return s + ", error)"
}

// callOptions is the first line of every client method: StaticMethod
// tells telemetry the method name is a generated constant.
func (sg serviceGen) callOptions() {
	sg.g.P("cOpts := append([]", rpcPackage.Ident("CallOption"), "{", rpcPackage.Ident("StaticMethod"), "()}, opts...)")
}

func (sg serviceGen) clientMethodHead(m *protogen.Method) {
	if methodDeprecated(m) {
		sg.g.P(deprecatedComment)
	}
	sg.g.P("func (c *", sg.names.clientImpl, ") ", sg.clientSignature(m), " {")
	sg.callOptions()
}

func (sg serviceGen) unaryClientMethod(m *protogen.Method) {
	g := sg.g
	sg.clientMethodHead(m)
	g.P("out := new(", m.Output.GoIdent, ")")
	g.P("err := c.cc.Invoke(ctx, ", fullMethodConst(m), ", in, out, cOpts...)")
	g.P("if err != nil {")
	g.P("return nil, err")
	g.P("}")
	g.P("return out, nil")
	g.P("}")
	g.P()
}

// streamClientMethod opens the stream described by Streams[index] of the
// ServiceDesc. A server-streaming call sends its one request and
// half-closes here, so the caller only receives.
func (sg serviceGen) streamClientMethod(m *protogen.Method, index int) {
	g := sg.g
	sg.clientMethodHead(m)
	g.P("stream, err := c.cc.NewStream(ctx, &", sg.names.serviceDesc, ".Streams[", index, "], ", fullMethodConst(m), ", cOpts...)")
	g.P("if err != nil {")
	g.P("return nil, err")
	g.P("}")
	g.P("x := &", genericStream(g, m, "Client"), "{ClientStream: stream}")
	if !m.Desc.IsStreamingClient() {
		g.P("if err := x.ClientStream.SendMsg(in); err != nil {")
		g.P("return nil, err")
		g.P("}")
		g.P("if err := x.ClientStream.CloseSend(); err != nil {")
		g.P("return nil, err")
		g.P("}")
	}
	g.P("return x, nil")
	g.P("}")
	g.P()

	g.P("// ", streamAlias(m, "Client"), " is the name this stream type had before the generic")
	g.P("// stream types; the alias keeps code that names it compiling.")
	g.P("type ", streamAlias(m, "Client"), " = ", streamType(g, m, "Client"))
	g.P()
}
