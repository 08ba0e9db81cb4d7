package serviceconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Parse parses a JSON service config.
//
// Fields this package does not know are ignored, so a service owner can
// publish settings for newer clients without breaking older ones. A known
// field with the wrong type or an invalid value makes the whole config
// invalid, as the gRPC spec requires (A6: an invalid retry policy must not
// be half-applied), and the error names the field, as in
// `methodConfig[1].retryPolicy.maxAttempts: must be at least 2`. A channel
// that gets an invalid config keeps using its previous one.
func Parse(js string) (*Config, error) {
	if strings.TrimSpace(js) == "" {
		return nil, errors.New("serviceconfig: the service config is empty; write {} for a config that sets nothing")
	}
	// Unmarshal into a RawMessage only checks the syntax, so a typo is
	// reported as such rather than as a wrongly typed field.
	var raw json.RawMessage
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		return nil, fmt.Errorf("serviceconfig: the service config is not valid JSON: %w", err)
	}
	root, err := asObject(raw, "")
	if err != nil {
		return nil, fmt.Errorf("serviceconfig: %w", err)
	}
	c, err := parseRoot(root)
	if err != nil {
		return nil, fmt.Errorf("serviceconfig: %w", err)
	}
	return c, nil
}

// parseRoot reads each top-level section of the config.
func parseRoot(root object) (*Config, error) {
	var c Config
	var err error
	if c.LoadBalancing, err = parseLoadBalancing(root); err != nil {
		return nil, err
	}
	if c.methods, err = parseMethodConfigs(root); err != nil {
		return nil, err
	}
	if c.RetryThrottling, err = parseThrottling(root); err != nil {
		return nil, err
	}
	if c.HealthCheck, err = parseHealthCheck(root); err != nil {
		return nil, err
	}
	return &c, nil
}
