package rpc

// IsStaticMethod reports whether opts hold StaticMethod: the call's method
// name is a constant of generated code. Telemetry labels such a method by
// its name and others "other" (gRFC A66), so that names taken from
// requests cannot multiply its time series. A grpc-go interceptor tells
// StaticMethod by its type (StaticMethodCallOption); a CallOption here is a
// function, so this applies them to a blank call and looks.
func IsStaticMethod(opts ...CallOption) bool {
	var c callInfo
	for _, o := range opts {
		o(&c)
	}
	return c.staticMethod
}
