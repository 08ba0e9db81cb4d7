package serviceconfig

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// parseLoadBalancing reads loadBalancingConfig, or the deprecated
// loadBalancingPolicy when loadBalancingConfig is absent or empty (the
// proto says the old field is used only if the new one is unset). Which of
// the listed policies this client supports is the channel's business, not
// the parser's.
func parseLoadBalancing(root object) ([]LBPolicy, error) {
	elems, _, err := root.list("loadBalancingConfig")
	if err != nil {
		return nil, err
	}
	if len(elems) > 0 {
		policies := make([]LBPolicy, 0, len(elems))
		for i, raw := range elems {
			p, err := parseLBPolicy(raw, fmt.Sprintf("loadBalancingConfig[%d]", i))
			if err != nil {
				return nil, err
			}
			policies = append(policies, p)
		}
		return policies, nil
	}
	name, _, err := root.string("loadBalancingPolicy")
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, nil
	}
	// Lower-cased because the proto names the values as an enum
	// (ROUND_ROBIN) while policies register as round_robin.
	return []LBPolicy{{Name: strings.ToLower(name)}}, nil
}

// parseLBPolicy reads one {"policy_name": {config}} entry.
func parseLBPolicy(raw json.RawMessage, path string) (LBPolicy, error) {
	obj, err := asObject(raw, path)
	if err != nil {
		return LBPolicy{}, err
	}
	if len(obj.fields) != 1 {
		names := make([]string, 0, len(obj.fields))
		for name := range obj.fields {
			names = append(names, quote(name))
		}
		slices.Sort(names)
		return LBPolicy{}, fmt.Errorf(`%s: must have exactly one key, the policy name (as in {"round_robin": {}}), got %d keys [%s]; list alternative policies as separate entries`,
			path, len(names), strings.Join(names, ", "))
	}
	var name string
	var cfg json.RawMessage
	for name, cfg = range obj.fields { // the one key
	}
	if name == "" {
		return LBPolicy{}, fmt.Errorf("%s: the policy name must not be empty", path)
	}
	if kindOf(cfg) != '{' {
		return LBPolicy{}, fmt.Errorf("%s: the config of policy %s must be a JSON object (use {} for none), got %s",
			path, quote(name), describe(cfg))
	}
	return LBPolicy{Name: name, Config: cfg}, nil
}
