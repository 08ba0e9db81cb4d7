// Package health is the standard gRPC health checking service,
// grpc.health.v1.Health (Check, List and Watch), with grpc-go's
// health.Server API: NewServer, SetServingStatus, Shutdown and Resume.
//
//	hs := health.NewServer()
//	healthpb.RegisterHealthServer(s, hs)
//	hs.SetServingStatus("my.pkg.Service", healthpb.HealthCheckResponse_SERVING)
//
// The service "" is the server as a whole; it is SERVING from the start.
//
// Client-side health checking (gRFC A17, the service config's
// healthCheckConfig) needs nothing from this package: the channel watches
// its backends itself (see package rpc). Unlike grpc-go, no blank import of
// this package is needed to turn it on.
package health
