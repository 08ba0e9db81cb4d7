package main

import "strconv"

// fullMethodConsts writes X_Method_FullMethodName: the :path of each
// method, which interceptors and tests match on.
func (sg serviceGen) fullMethodConsts() {
	if len(sg.service.Methods) == 0 {
		return
	}
	g := sg.g
	g.P("const (")
	for _, m := range sg.service.Methods {
		path := "/" + string(sg.service.Desc.FullName()) + "/" + string(m.Desc.Name())
		g.P(fullMethodConst(m), " = ", strconv.Quote(path))
	}
	g.P(")")
	g.P()
}

// serviceDesc writes X_ServiceDesc. Unary methods go to Methods, the others
// to Streams, each list in declaration order: the client indexes Streams
// by that order, so the two sides agree.
func (sg serviceGen) serviceDesc() {
	g, n := sg.g, sg.names
	g.P("// ", n.serviceDesc, " describes the ", sg.service.GoName, " service to ", rpcPackage.Ident("ServiceRegistrar"), ".RegisterService.")
	g.P("// ", n.register, " passes it; it is exported for that use only and must not")
	g.P("// be changed.")
	g.P("var ", n.serviceDesc, " = ", rpcPackage.Ident("ServiceDesc"), "{")
	g.P("ServiceName: ", strconv.Quote(string(sg.service.Desc.FullName())), ",")
	g.P("HandlerType: (*", n.server, ")(nil),")
	g.P("Methods: []", rpcPackage.Ident("MethodDesc"), "{")
	for _, m := range sg.service.Methods {
		if !isUnary(m) {
			continue
		}
		g.P("{")
		g.P("MethodName: ", strconv.Quote(string(m.Desc.Name())), ",")
		g.P("Handler: ", handlerFunc(m), ",")
		g.P("},")
	}
	g.P("},")
	g.P("Streams: []", rpcPackage.Ident("StreamDesc"), "{")
	for _, m := range sg.service.Methods {
		if isUnary(m) {
			continue
		}
		g.P("{")
		g.P("StreamName: ", strconv.Quote(string(m.Desc.Name())), ",")
		g.P("Handler: ", handlerFunc(m), ",")
		if m.Desc.IsStreamingServer() {
			g.P("ServerStreams: true,")
		}
		if m.Desc.IsStreamingClient() {
			g.P("ClientStreams: true,")
		}
		g.P("},")
	}
	g.P("},")
	g.P("Metadata: ", strconv.Quote(sg.file.Desc.Path()), ",")
	g.P("}")
	g.P()
}
