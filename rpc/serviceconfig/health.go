package serviceconfig

// HealthCheckConfig is the service config's healthCheckConfig: client-side
// health checking (gRFC A17). When present, and the channel's
// load-balancing policy uses health checking (round_robin does), a
// backend's subchannel counts as READY only while the backend's
// grpc.health.v1.Health/Watch stream for ServiceName says SERVING.
type HealthCheckConfig struct {
	// ServiceName is the service whose health is watched. The empty
	// string is valid: it asks for the server's overall health.
	ServiceName string
}

// parseHealthCheck reads healthCheckConfig. Its presence, not its
// serviceName, turns health checking on, so `{"healthCheckConfig": {}}`
// watches the server's overall status.
func parseHealthCheck(root object) (*HealthCheckConfig, error) {
	obj, ok, err := root.object("healthCheckConfig")
	if err != nil || !ok {
		return nil, err
	}
	name, _, err := obj.string("serviceName")
	if err != nil {
		return nil, err
	}
	return &HealthCheckConfig{ServiceName: name}, nil
}
