package serviceconfig

import (
	"encoding/json"
	"fmt"
)

// parseMethodConfigs reads every methodConfig entry and indexes it by each
// of its names.
func parseMethodConfigs(root object) (map[methodName]MethodConfig, error) {
	elems, _, err := root.list("methodConfig")
	if err != nil || len(elems) == 0 {
		return nil, err
	}
	methods := make(map[methodName]MethodConfig)
	firstSeen := make(map[methodName]string) // name -> path that set it
	for i, raw := range elems {
		path := fmt.Sprintf("methodConfig[%d]", i)
		obj, err := asObject(raw, path)
		if err != nil {
			return nil, err
		}
		mc, err := parseMethodConfig(obj)
		if err != nil {
			return nil, err
		}
		names, err := parseNames(obj)
		if err != nil {
			return nil, err
		}
		for j, name := range names {
			namePath := fmt.Sprintf("%s.name[%d]", path, j)
			if prev, dup := firstSeen[name]; dup {
				return nil, fmt.Errorf("%s: %s is already configured by %s; each name may appear once in the whole service config",
					namePath, describeName(name), prev)
			}
			firstSeen[name] = namePath
			methods[name] = mc
		}
	}
	return methods, nil
}

// parseMethodConfig reads the settings of one methodConfig entry.
func parseMethodConfig(obj object) (MethodConfig, error) {
	var mc MethodConfig
	if v, ok, err := obj.bool("waitForReady"); err != nil {
		return mc, err
	} else if ok {
		mc.WaitForReady = &v
	}
	timeout, _, err := obj.duration("timeout")
	if err != nil {
		return mc, err
	}
	if timeout < 0 {
		return mc, fmt.Errorf("%s: must not be negative, got %v", obj.at("timeout"), timeout)
	}
	mc.Timeout = timeout
	if mc.MaxRequestMessageBytes, err = optionalSize(obj, "maxRequestMessageBytes"); err != nil {
		return mc, err
	}
	if mc.MaxResponseMessageBytes, err = optionalSize(obj, "maxResponseMessageBytes"); err != nil {
		return mc, err
	}
	if mc.RetryPolicy, err = parseRetryPolicy(obj); err != nil {
		return mc, err
	}
	if mc.HedgingPolicy, err = parseHedgingPolicy(obj); err != nil {
		return mc, err
	}
	if mc.RetryPolicy != nil && mc.HedgingPolicy != nil {
		return mc, fmt.Errorf("%s: a method config has a retryPolicy or a hedgingPolicy, not both", obj.at("hedgingPolicy"))
	}
	return mc, nil
}

// optionalSize reads a message size limit in bytes; 0 is valid (only empty
// messages pass).
func optionalSize(obj object, key string) (*int, error) {
	n, ok, err := obj.uint32(key)
	if err != nil || !ok {
		return nil, err
	}
	size := int(n)
	return &size, nil
}

// parseNames reads the name list of one methodConfig entry. An entry with no
// names applies to nothing and is skipped, as the proto says.
func parseNames(obj object) ([]methodName, error) {
	elems, _, err := obj.list("name")
	if err != nil {
		return nil, err
	}
	names := make([]methodName, 0, len(elems))
	for j, raw := range elems {
		name, err := parseName(raw, fmt.Sprintf("%s[%d]", obj.at("name"), j))
		if err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, nil
}

// parseName reads one {"service": ..., "method": ...} entry. An empty
// string, null and absence all mean the same, as the proto says.
func parseName(raw json.RawMessage, path string) (methodName, error) {
	obj, err := asObject(raw, path)
	if err != nil {
		return methodName{}, err
	}
	var name methodName
	if name.service, _, err = obj.string("service"); err != nil {
		return methodName{}, err
	}
	if name.method, _, err = obj.string("method"); err != nil {
		return methodName{}, err
	}
	if name.service == "" && name.method != "" {
		return methodName{}, fmt.Errorf(`%s: method %s has no service; write {"service": "pkg.Service", "method": %s}, or {} for the default of every method`,
			path, quote(name.method), quote(name.method))
	}
	return name, nil
}

// describeName renders a name for an error message.
func describeName(n methodName) string {
	switch {
	case n.service == "":
		return "the default name {}"
	case n.method == "":
		return "service " + quote(n.service)
	}
	return "method " + quote("/"+n.service+"/"+n.method)
}
