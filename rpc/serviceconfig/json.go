package serviceconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// object is one JSON object of the config together with the path that leads
// to it (such as "methodConfig[2].retryPolicy"), so that every error can
// name the exact field a person has to fix.
type object struct {
	path   string
	fields map[string]json.RawMessage
}

// asObject decodes raw as a JSON object found at path.
func asObject(raw json.RawMessage, path string) (object, error) {
	if kindOf(raw) != '{' {
		return object{}, fmt.Errorf("%s: must be a JSON object, got %s", pathOrRoot(path), describe(raw))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return object{}, fmt.Errorf("%s: %w", pathOrRoot(path), err)
	}
	return object{path: path, fields: fields}, nil
}

// at is the path of the field key of o, for error messages.
func (o object) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// get returns the value of key. A null value counts as absent, as the
// proto3 JSON mapping says, so a config generated from a proto with unset
// fields written as null parses the same as one that leaves them out.
func (o object) get(key string) (json.RawMessage, bool) {
	raw, ok := o.fields[key]
	if !ok || kindOf(raw) == 'n' {
		return nil, false
	}
	return raw, true
}

// object returns the field key as an object.
func (o object) object(key string) (object, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return object{}, false, nil
	}
	obj, err := asObject(raw, o.at(key))
	return obj, err == nil, err
}

// list returns the elements of the field key, which must be a JSON list.
func (o object) list(key string) ([]json.RawMessage, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return nil, false, nil
	}
	if kindOf(raw) != '[' {
		return nil, false, fmt.Errorf("%s: must be a JSON list, got %s", o.at(key), describe(raw))
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, false, fmt.Errorf("%s: %w", o.at(key), err)
	}
	return elems, true, nil
}

// string returns the field key, which must be a JSON string.
func (o object) string(key string) (string, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return "", false, nil
	}
	s, err := asString(raw, o.at(key))
	return s, err == nil, err
}

// bool returns the field key, which must be true or false; proto3 JSON
// does not accept "true" as a string for a bool.
func (o object) bool(key string) (bool, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return false, false, nil
	}
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, false, fmt.Errorf("%s: must be true or false, got %s", o.at(key), describe(raw))
}

// uint32 returns the field key as an unsigned 32-bit integer, the proto
// type of every integer in the service config.
func (o object) uint32(key string) (uint32, bool, error) { return number(o, key, parseUint32) }

// float returns the field key as a finite number.
func (o object) float(key string) (float64, bool, error) { return number(o, key, parseFinite) }

// number returns the field key as a JSON number, read by parse.
func number[T any](o object, key string, parse func(string) (T, error)) (T, bool, error) {
	var zero T
	raw, ok := o.get(key)
	if !ok {
		return zero, false, nil
	}
	text, err := numberText(raw, o.at(key))
	if err != nil {
		return zero, false, err
	}
	n, err := parse(text)
	if err != nil {
		return zero, false, fmt.Errorf("%s: %w, got %s", o.at(key), err, quoteShort(raw))
	}
	return n, true, nil
}

// asString decodes raw as a JSON string found at path.
func asString(raw json.RawMessage, path string) (string, error) {
	if kindOf(raw) != '"' {
		return "", fmt.Errorf("%s: must be a JSON string, got %s", path, describe(raw))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// numberText returns the text of a number field. The proto3 JSON mapping
// lets numbers come either bare (1024) or quoted ("1024"), because 64-bit
// integers do not survive JavaScript's doubles; both are accepted.
func numberText(raw json.RawMessage, path string) (string, error) {
	switch kindOf(raw) {
	case '0':
		return string(bytes.TrimSpace(raw)), nil
	case '"':
		return asString(raw, path)
	}
	return "", fmt.Errorf("%s: must be a number, got %s", path, describe(raw))
}

// kindOf classifies a JSON value by its first byte: '{', '[', '"', 't'
// (true or false), 'n' (null) or '0' (a number).
func kindOf(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; c {
	case '{', '[', '"', 'n':
		return c
	case 't', 'f':
		return 't'
	}
	return '0'
}

// describe names the kind of a JSON value for an error message, quoting
// short scalars so the reader sees what was actually written.
func describe(raw json.RawMessage) string {
	switch kindOf(raw) {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 'n':
		return "null"
	case '"':
		return "the string " + quoteShort(raw)
	case 't':
		return "the boolean " + string(bytes.TrimSpace(raw))
	case '0':
		return "the number " + quoteShort(raw)
	}
	return "nothing"
}

// quoteShort returns raw itself, shortened if it is too long to be useful
// in a one-line message.
func quoteShort(raw json.RawMessage) string {
	const limit = 40
	s := string(bytes.TrimSpace(raw))
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}

// pathOrRoot names the top level of the config in messages, where the path
// is empty.
func pathOrRoot(path string) string {
	if path == "" {
		return "service config"
	}
	return path
}

// quote is strconv.Quote, kept short at call sites.
func quote(s string) string { return strconv.Quote(s) }
