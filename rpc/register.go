package rpc

import (
	"errors"
	"fmt"
	"reflect"
)

// ServiceRegistrar registers services; *Server implements it. Generated
// Register functions take one, so a service can be registered on anything
// that routes calls (a test double, a multiplexer).
type ServiceRegistrar interface {
	RegisterService(desc *ServiceDesc, impl any)
}

var _ ServiceRegistrar = (*Server)(nil)

// ServiceInfo describes a registered service (GetServiceInfo).
type ServiceInfo struct {
	Methods []MethodInfo
	// Metadata is the ServiceDesc's Metadata: for generated code, the
	// .proto file the service comes from.
	Metadata any
}

// MethodInfo describes one method of a registered service.
type MethodInfo struct {
	// Name is the method's name alone, without the service.
	Name           string
	IsClientStream bool
	IsServerStream bool
}

// checkService refuses a desc and implementation that could not route
// calls right. It runs on the caller's goroutine: it reads only what it
// was given.
func checkService(desc *ServiceDesc, impl any) error {
	if desc == nil {
		return errors.New("rpc: RegisterService: nil ServiceDesc")
	}
	name := desc.ServiceName
	if name == "" {
		return errors.New("rpc: RegisterService: the ServiceDesc has no ServiceName")
	}
	if impl == nil || isNilPointer(impl) {
		return fmt.Errorf("rpc: RegisterService(%q): the implementation is nil", name)
	}
	if desc.HandlerType != nil {
		ht := reflect.TypeOf(desc.HandlerType)
		if ht.Kind() != reflect.Pointer || ht.Elem().Kind() != reflect.Interface {
			return fmt.Errorf("rpc: RegisterService(%q): HandlerType is %v, want a pointer to the service interface", name, ht)
		}
		if !reflect.TypeOf(impl).Implements(ht.Elem()) {
			return fmt.Errorf("rpc: RegisterService(%q): %T does not implement %v", name, impl, ht.Elem())
		}
	}
	seen := make(map[string]bool, len(desc.Methods)+len(desc.Streams))
	check := func(method string, hasHandler bool) error {
		switch {
		case method == "":
			return fmt.Errorf("rpc: RegisterService(%q): a method has no name", name)
		case seen[method]:
			return fmt.Errorf("rpc: RegisterService(%q): method %q is described twice", name, method)
		case !hasHandler:
			return fmt.Errorf("rpc: RegisterService(%q): method %q has no handler", name, method)
		}
		seen[method] = true
		return nil
	}
	for _, m := range desc.Methods {
		if err := check(m.MethodName, m.Handler != nil); err != nil {
			return err
		}
	}
	for _, st := range desc.Streams {
		if err := check(st.StreamName, st.Handler != nil); err != nil {
			return err
		}
		if !st.ClientStreams && !st.ServerStreams {
			// A client would treat it as unary and the server as a stream:
			// each would wait for what the other never sends.
			return fmt.Errorf("rpc: RegisterService(%q): stream %q streams neither way; a unary method belongs in Methods", name, st.StreamName)
		}
	}
	return nil
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// register adds a checked service to the routing tables. Only the server
// actor calls it, before the first Serve: every connection, and so every
// call that reads the tables, starts after it.
func (a *serverActor) register(info *serviceInfo) error {
	s, desc := a.s, info.desc
	if a.core.serving || a.core.stopping() {
		return fmt.Errorf("rpc: RegisterService(%q) after Serve: register every service before serving", desc.ServiceName)
	}
	if _, dup := s.services[desc.ServiceName]; dup {
		return fmt.Errorf("rpc: RegisterService: service %q registered twice", desc.ServiceName)
	}
	s.services[desc.ServiceName] = info
	for i := range desc.Methods {
		m := &desc.Methods[i]
		s.methods["/"+desc.ServiceName+"/"+m.MethodName] = &methodInfo{service: info, unary: m}
	}
	for i := range desc.Streams {
		st := &desc.Streams[i]
		s.methods["/"+desc.ServiceName+"/"+st.StreamName] = &methodInfo{service: info, stream: st}
	}
	return nil
}

// serviceInfo describes the registered services for GetServiceInfo.
func (a *serverActor) serviceInfo() map[string]ServiceInfo {
	out := make(map[string]ServiceInfo, len(a.s.services))
	for name, info := range a.s.services {
		methods := make([]MethodInfo, 0, len(info.desc.Methods)+len(info.desc.Streams))
		for _, m := range info.desc.Methods {
			methods = append(methods, MethodInfo{Name: m.MethodName})
		}
		for _, st := range info.desc.Streams {
			methods = append(methods, MethodInfo{Name: st.StreamName, IsClientStream: st.ClientStreams, IsServerStream: st.ServerStreams})
		}
		out[name] = ServiceInfo{Methods: methods, Metadata: info.desc.Metadata}
	}
	return out
}
