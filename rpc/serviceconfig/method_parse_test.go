package serviceconfig

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMethodConfigFields(t *testing.T) {
	tests := []struct {
		name  string
		extra string
		want  MethodConfig
	}{
		{"nothing", ``, MethodConfig{}},
		{"waitForReady true", `"waitForReady": true`, MethodConfig{WaitForReady: ptr(true)}},
		{"waitForReady false is kept", `"waitForReady": false`, MethodConfig{WaitForReady: ptr(false)}},
		{"timeout", `"timeout": "1.5s"`, MethodConfig{Timeout: 1500 * time.Millisecond}},
		{"timeout micro", `"timeout": "0.000001s"`, MethodConfig{Timeout: time.Microsecond}},
		{"timeout zero is none", `"timeout": "0s"`, MethodConfig{}},
		{"sizes as numbers", `"maxRequestMessageBytes": 1024, "maxResponseMessageBytes": 2048`,
			MethodConfig{MaxRequestMessageBytes: ptr(1024), MaxResponseMessageBytes: ptr(2048)}},
		{"sizes as strings", `"maxRequestMessageBytes": "1024", "maxResponseMessageBytes": "4294967295"`,
			MethodConfig{MaxRequestMessageBytes: ptr(1024), MaxResponseMessageBytes: ptr(4294967295)}},
		{"size zero is valid", `"maxRequestMessageBytes": 0`, MethodConfig{MaxRequestMessageBytes: ptr(0)}},
		{"size in exponent form", `"maxResponseMessageBytes": 1e6`, MethodConfig{MaxResponseMessageBytes: ptr(1000000)}},
		{"size with zero fraction", `"maxResponseMessageBytes": 4.0`, MethodConfig{MaxResponseMessageBytes: ptr(4)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			js := `{"methodConfig": [{"name": [{"service": "pkg.Svc"}]`
			if tc.extra != "" {
				js += ", " + tc.extra
			}
			js += `}]}`
			c := mustParse(t, js)
			assert.Equal(t, tc.want, c.Method("/pkg.Svc/M"))
		})
	}
}

func TestParseMethodConfigInvalid(t *testing.T) {
	mc := func(fields string) string {
		return `{"methodConfig": [{"name": [{"service": "a.S"}]}, {"name": [{"service": "pkg.Svc"}], ` + fields + `}]}`
	}
	runInvalid(t, []invalidCase{
		{"entry not object", `{"methodConfig": [[]]}`, []string{"methodConfig[0]: must be a JSON object, got a list"}},
		{"waitForReady string", mc(`"waitForReady": "true"`), []string{"methodConfig[1].waitForReady: must be true or false", `"true"`}},
		{"waitForReady number", mc(`"waitForReady": 1`), []string{"methodConfig[1].waitForReady", "the number 1"}},
		{"timeout number", mc(`"timeout": 1.5`), []string{"methodConfig[1].timeout", `duration string such as "1.5s"`, "the number 1.5"}},
		{"timeout without unit", mc(`"timeout": "1.5"`), []string{"methodConfig[1].timeout", `"1.5" is not a valid duration`, `end in "s"`}},
		{"timeout in ms", mc(`"timeout": "100ms"`), []string{"methodConfig[1].timeout", `"100ms"`}},
		{"timeout negative", mc(`"timeout": "-1s"`), []string{"methodConfig[1].timeout: must not be negative"}},
		{"timeout ten fraction digits", mc(`"timeout": "0.0000000001s"`), []string{"at most 9 digits"}},
		{"size negative", mc(`"maxRequestMessageBytes": -1`), []string{"methodConfig[1].maxRequestMessageBytes", "must not be negative"}},
		{"size fraction", mc(`"maxRequestMessageBytes": 1.5`), []string{"maxRequestMessageBytes", "whole number"}},
		{"size too big", mc(`"maxResponseMessageBytes": 4294967296`), []string{"maxResponseMessageBytes", "at most 4294967295"}},
		{"size huge", mc(`"maxResponseMessageBytes": 1e400`), []string{"maxResponseMessageBytes", "at most 4294967295"}},
		{"size bool", mc(`"maxResponseMessageBytes": true`), []string{"maxResponseMessageBytes: must be a number, got the boolean true"}},
		{"size not a number string", mc(`"maxResponseMessageBytes": "lots"`), []string{"maxResponseMessageBytes", "must be a number"}},
		{"retryPolicy list", mc(`"retryPolicy": []`), []string{"methodConfig[1].retryPolicy: must be a JSON object"}},
	})
}

func TestParseMethodNames(t *testing.T) {
	c := mustParse(t, `{"methodConfig": [
		{"name": [{"service": "pkg.Svc", "method": "A"}, {"service": "pkg.Svc", "method": "B"}], "timeout": "1s"},
		{"name": [{"service": "pkg.Svc"}, {"service": "other.Svc", "method": ""}], "timeout": "2s"},
		{"name": [{}], "timeout": "3s"},
		{"name": [], "timeout": "4s"},
		{"timeout": "5s"}
	]}`)
	for method, want := range map[string]time.Duration{
		"/pkg.Svc/A":   time.Second,
		"/pkg.Svc/B":   time.Second,
		"/pkg.Svc/C":   2 * time.Second,
		"/other.Svc/X": 2 * time.Second,
		"/third.Svc/Y": 3 * time.Second,
	} {
		assert.Equal(t, want, c.Method(method).Timeout, method)
	}
}

func TestParseMethodNamesInvalid(t *testing.T) {
	runInvalid(t, []invalidCase{
		{"method without service", `{"methodConfig": [{"name": [{"method": "M"}]}]}`,
			[]string{"methodConfig[0].name[0]", `method "M" has no service`}},
		{"method with empty service", `{"methodConfig": [{"name": [{"service": "", "method": "M"}]}]}`,
			[]string{"methodConfig[0].name[0]", "has no service"}},
		{"duplicate method across entries", `{"methodConfig": [
				{"name": [{"service": "pkg.Svc", "method": "M"}]},
				{"name": [{"service": "x.Y"}, {"service": "pkg.Svc", "method": "M"}]}]}`,
			[]string{"methodConfig[1].name[1]", `method "/pkg.Svc/M"`, "already configured by methodConfig[0].name[0]"}},
		{"duplicate within one entry", `{"methodConfig": [{"name": [{"service": "pkg.Svc"}, {"service": "pkg.Svc", "method": null}]}]}`,
			[]string{"methodConfig[0].name[1]", `service "pkg.Svc"`, "already configured by methodConfig[0].name[0]"}},
		{"duplicate default", `{"methodConfig": [{"name": [{}]}, {"name": [{"service": ""}]}]}`,
			[]string{"methodConfig[1].name[0]", "the default name {}", "already configured"}},
		{"name not a list", `{"methodConfig": [{"name": {"service": "pkg.Svc"}}]}`,
			[]string{"methodConfig[0].name: must be a JSON list"}},
		{"name entry not object", `{"methodConfig": [{"name": ["pkg.Svc/M"]}]}`,
			[]string{"methodConfig[0].name[0]: must be a JSON object"}},
		{"service not string", `{"methodConfig": [{"name": [{"service": 1}]}]}`,
			[]string{"methodConfig[0].name[0].service: must be a JSON string"}},
		{"method not string", `{"methodConfig": [{"name": [{"service": "s", "method": ["M"]}]}]}`,
			[]string{"methodConfig[0].name[0].method: must be a JSON string, got a list"}},
	})
}

func TestParseNoNamesSkipsEntryButStillValidatesIt(t *testing.T) {
	_, err := Parse(`{"methodConfig": [{"timeout": "soon"}]}`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "methodConfig[0].timeout")
}
