package pickfirst

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// config is pick_first's loadBalancingConfig (gRFC A62). Unknown fields
// are ignored, as the gRFC asks, so that a newer config still works here.
type config struct {
	// ShuffleAddressList shuffles the resolver's addresses before they are
	// tried, for resolvers that give every client the same order.
	ShuffleAddressList bool `json:"shuffleAddressList"`
}

// parseConfig reads raw, which may be empty or JSON null for no config.
func parseConfig(raw json.RawMessage) (config, error) {
	var cfg config
	if len(bytes.TrimSpace(raw)) == 0 {
		return cfg, nil
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return config{}, fmt.Errorf("pick_first: invalid config %s: %w", raw, err)
	}
	return cfg, nil
}
