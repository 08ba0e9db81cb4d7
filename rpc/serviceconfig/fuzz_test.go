package serviceconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to Parse. Beyond never panicking:
//   - a refusal is an error that names the package and says something;
//   - an accepted config, written back as JSON by render, parses again to
//     an equal config (so every value Parse accepts is one it would accept
//     again: nothing is accepted half-validated or altered into an
//     invalid value by clamping or truncation);
//   - Method lookups on it never panic, whatever the name.
func FuzzParse(f *testing.F) {
	for _, js := range []string{
		`{}`,
		`{"loadBalancingPolicy": "ROUND_ROBIN"}`,
		`{"loadBalancingConfig": [{"round_robin": {}}, {"pick_first": {"shuffleAddressList": true}}]}`,
		`{"healthCheckConfig": {"serviceName": "pkg.Svc"}}`,
		`{"retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1}}`,
		`{"retryThrottling": {"maxTokens": 1000, "tokenRatio": 0.2999}}`,
		`{"methodConfig": [{"name": [{}], "timeout": "1.5s", "waitForReady": true}]}`,
		`{"methodConfig": [{"name": [{"service": "pkg.Svc"}], "maxRequestMessageBytes": 0, "maxResponseMessageBytes": 4294967295}]}`,
		`{"methodConfig": [{"name": [{"service": "pkg.Svc", "method": "M"}], "timeout": ".000000001s",
			"retryPolicy": {"maxAttempts": 9, "initialBackoff": "0.1s", "maxBackoff": "1s",
			"backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE", 4, "resource_exhausted"]}}]}`,
		`{"methodConfig": [{"name": [{"service": "a"}, {"service": "a"}]}]}`,
		`{"methodConfig": [{"name": [{"method": "M"}]}]}`,
		`{"methodConfig": [{"timeout": "-1s"}]}`,
		`{"methodConfig": [{"timeout": "315576000000.999999999s"}]}`,
		`{"retryThrottling": {"maxTokens": 10, "tokenRatio": 1e-4}}`,
		`{"loadBalancingConfig": [{"a": {}, "b": {}}]}`,
		`{"loadBalancingConfig": [{"": {}}]}`,
		`{"a": 1e999999}`,
		`{"methodConfig": [{"name": [{"service": "\ud800"}]}]}`,
		`[]`, `null`, ``, `{} {}`, `{"methodConfig": [}`,
	} {
		f.Add(js)
	}
	f.Fuzz(func(t *testing.T, js string) {
		c, err := Parse(js)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned a config with its error %v", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "serviceconfig: ") || len(msg) <= len("serviceconfig: ") {
				t.Fatalf("error %q does not say where it comes from and what is wrong", msg)
			}
			return
		}
		if c == nil {
			t.Fatal("Parse returned neither a config nor an error")
		}
		again := render(t, c)
		c2, err := Parse(again)
		if err != nil {
			t.Fatalf("the accepted config\n%s\nrendered as\n%s\nis refused: %v", js, again, err)
		}
		if !equalConfigs(c, c2) {
			t.Fatalf("the accepted config\n%s\nrendered as\n%s\nparses differently:\n%#v\n%#v", js, again, c, c2)
		}
		for name := range c.methods {
			c.Method("/" + name.service + "/" + name.method)
		}
		c.Method(js)
		c.Method("/" + js)
	})
}

// render writes c back as a service config. Test only: the library has no
// need to write configs.
func render(t *testing.T, c *Config) string {
	root := map[string]any{}
	if c.LoadBalancing != nil {
		var lbs []any
		for _, p := range c.LoadBalancing {
			cfg := p.Config
			if cfg == nil {
				cfg = json.RawMessage(`{}`)
			}
			lbs = append(lbs, map[string]json.RawMessage{p.Name: cfg})
		}
		root["loadBalancingConfig"] = lbs
	}
	if th := c.RetryThrottling; th != nil {
		root["retryThrottling"] = map[string]any{"maxTokens": th.MaxTokens, "tokenRatio": json.Number(strconv.FormatFloat(th.TokenRatio, 'g', -1, 64))}
	}
	if hc := c.HealthCheck; hc != nil {
		root["healthCheckConfig"] = map[string]any{"serviceName": hc.ServiceName}
	}
	var mcs []any
	for name, mc := range c.methods {
		n := map[string]string{}
		if name.service != "" {
			n["service"] = name.service
		}
		if name.method != "" {
			n["method"] = name.method
		}
		m := map[string]any{"name": []any{n}}
		if mc.WaitForReady != nil {
			m["waitForReady"] = *mc.WaitForReady
		}
		if mc.Timeout != 0 {
			m["timeout"] = renderDuration(mc.Timeout)
		}
		if mc.MaxRequestMessageBytes != nil {
			m["maxRequestMessageBytes"] = *mc.MaxRequestMessageBytes
		}
		if mc.MaxResponseMessageBytes != nil {
			m["maxResponseMessageBytes"] = *mc.MaxResponseMessageBytes
		}
		if p := mc.RetryPolicy; p != nil {
			var retryable []int
			for code, ok := range p.RetryableStatusCodes {
				if ok {
					retryable = append(retryable, int(code))
				}
			}
			slices.Sort(retryable)
			m["retryPolicy"] = map[string]any{
				"maxAttempts":          p.MaxAttempts,
				"initialBackoff":       renderDuration(p.InitialBackoff),
				"maxBackoff":           renderDuration(p.MaxBackoff),
				"backoffMultiplier":    json.Number(strconv.FormatFloat(p.BackoffMultiplier, 'g', -1, 64)),
				"retryableStatusCodes": retryable,
			}
		}
		mcs = append(mcs, m)
	}
	if mcs != nil {
		root["methodConfig"] = mcs
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		t.Fatalf("rendering %#v: %v", c, err)
	}
	return buf.String()
}

// renderDuration writes d as a protobuf JSON Duration.
func renderDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign = "-"
	}
	abs := uint64(d)
	if d < 0 {
		abs = uint64(-d)
		if d == math.MinInt64 {
			abs = 1 << 63
		}
	}
	return fmt.Sprintf("%s%d.%09ds", sign, abs/1e9, abs%1e9)
}

// equalConfigs compares two configs, LB policy configs as JSON values
// (render re-encodes them, which may change their spacing).
func equalConfigs(a, b *Config) bool {
	if len(a.LoadBalancing) != len(b.LoadBalancing) {
		return false
	}
	for i := range a.LoadBalancing {
		pa, pb := a.LoadBalancing[i], b.LoadBalancing[i]
		if pa.Name != pb.Name || !sameJSON(pa.Config, pb.Config) {
			return false
		}
	}
	return reflect.DeepEqual(a.RetryThrottling, b.RetryThrottling) &&
		reflect.DeepEqual(a.HealthCheck, b.HealthCheck) &&
		(len(a.methods) == 0 && len(b.methods) == 0 || reflect.DeepEqual(a.methods, b.methods))
}

func sameJSON(a, b json.RawMessage) bool {
	if a == nil {
		a = json.RawMessage(`{}`)
	}
	if b == nil {
		b = json.RawMessage(`{}`)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}
