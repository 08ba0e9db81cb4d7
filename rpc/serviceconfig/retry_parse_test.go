package serviceconfig

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
)

// retryConfig builds a config whose only method config has the given
// retryPolicy fields, one per string, so a test can drop or replace one.
func retryConfig(fields ...string) string {
	return `{"methodConfig": [{"name": [{"service": "pkg.Svc"}], "retryPolicy": {` +
		strings.Join(fields, ", ") + `}}]}`
}

// validRetry is A6's example policy, field by field.
var validRetry = map[string]string{
	"maxAttempts":          `"maxAttempts": 4`,
	"initialBackoff":       `"initialBackoff": ".1s"`,
	"maxBackoff":           `"maxBackoff": "1s"`,
	"backoffMultiplier":    `"backoffMultiplier": 2`,
	"retryableStatusCodes": `"retryableStatusCodes": ["UNAVAILABLE"]`,
}

// retryWith returns validRetry with overrides applied; an empty override
// removes the field.
func retryWith(overrides map[string]string) string {
	var fields []string
	for _, key := range []string{"maxAttempts", "initialBackoff", "maxBackoff", "backoffMultiplier", "retryableStatusCodes"} {
		f := validRetry[key]
		if o, ok := overrides[key]; ok {
			f = o
		}
		if f != "" {
			fields = append(fields, f)
		}
	}
	return retryConfig(fields...)
}

func parseRetry(t *testing.T, js string) *RetryPolicy {
	t.Helper()
	p := mustParse(t, js).Method("/pkg.Svc/M").RetryPolicy
	require.NotNil(t, p)
	return p
}

func TestParseRetryPolicyA6Example(t *testing.T) {
	p := parseRetry(t, retryWith(nil))
	assert.Equal(t, &RetryPolicy{
		MaxAttempts:          4,
		InitialBackoff:       100 * time.Millisecond,
		MaxBackoff:           time.Second,
		BackoffMultiplier:    2,
		RetryableStatusCodes: map[codes.Code]bool{codes.Unavailable: true},
	}, p)
}

func TestParseRetryPolicyValues(t *testing.T) {
	tests := []struct {
		name     string
		override map[string]string
		check    func(t *testing.T, p *RetryPolicy)
	}{
		{"maxAttempts 2 is the least", map[string]string{"maxAttempts": `"maxAttempts": 2`},
			func(t *testing.T, p *RetryPolicy) { assert.Equal(t, 2, p.MaxAttempts) }},
		{"maxAttempts 5 kept", map[string]string{"maxAttempts": `"maxAttempts": 5`},
			func(t *testing.T, p *RetryPolicy) { assert.Equal(t, 5, p.MaxAttempts) }},
		{"maxAttempts above 5 capped", map[string]string{"maxAttempts": `"maxAttempts": 10`},
			func(t *testing.T, p *RetryPolicy) { assert.Equal(t, 5, p.MaxAttempts) }},
		{"maxAttempts huge capped", map[string]string{"maxAttempts": `"maxAttempts": 4294967295`},
			func(t *testing.T, p *RetryPolicy) { assert.Equal(t, 5, p.MaxAttempts) }},
		{"maxAttempts as string", map[string]string{"maxAttempts": `"maxAttempts": "3"`},
			func(t *testing.T, p *RetryPolicy) { assert.Equal(t, 3, p.MaxAttempts) }},
		{"multiplier as string", map[string]string{"backoffMultiplier": `"backoffMultiplier": "1.5"`},
			func(t *testing.T, p *RetryPolicy) { assert.InDelta(t, 1.5, p.BackoffMultiplier, 0) }},
		{"multiplier below one", map[string]string{"backoffMultiplier": `"backoffMultiplier": 0.5`},
			func(t *testing.T, p *RetryPolicy) { assert.InDelta(t, 0.5, p.BackoffMultiplier, 0) }},
		{"maxBackoff below initialBackoff is allowed", map[string]string{"maxBackoff": `"maxBackoff": "0.05s"`},
			func(t *testing.T, p *RetryPolicy) { assert.Equal(t, 50*time.Millisecond, p.MaxBackoff) }},
		{"codes in every spelling", map[string]string{"retryableStatusCodes": `"retryableStatusCodes":
				["unavailable", "Deadline_Exceeded", "DeadlineExceeded", "resourceexhausted", "CANCELLED", "canceled", 10, 14]`},
			func(t *testing.T, p *RetryPolicy) {
				assert.Equal(t, map[codes.Code]bool{
					codes.Unavailable: true, codes.DeadlineExceeded: true, codes.ResourceExhausted: true,
					codes.Canceled: true, codes.Aborted: true,
				}, p.RetryableStatusCodes)
			}},
		{"every code by number", map[string]string{"retryableStatusCodes": `"retryableStatusCodes":
				[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]`},
			func(t *testing.T, p *RetryPolicy) { assert.Len(t, p.RetryableStatusCodes, 16) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, parseRetry(t, retryWith(tc.override)))
		})
	}
}

func TestParseRetryPolicyInvalid(t *testing.T) {
	const at = "methodConfig[0].retryPolicy."
	cases := []struct {
		name     string
		override map[string]string
		want     []string
	}{
		{"maxAttempts missing", map[string]string{"maxAttempts": ""}, []string{at + "maxAttempts: is required"}},
		{"maxAttempts 1", map[string]string{"maxAttempts": `"maxAttempts": 1`}, []string{at + "maxAttempts: must be at least 2", "got 1"}},
		{"maxAttempts 0", map[string]string{"maxAttempts": `"maxAttempts": 0`}, []string{at + "maxAttempts: must be at least 2"}},
		{"maxAttempts negative", map[string]string{"maxAttempts": `"maxAttempts": -3`}, []string{at + "maxAttempts", "must not be negative"}},
		{"maxAttempts fraction", map[string]string{"maxAttempts": `"maxAttempts": 2.5`}, []string{at + "maxAttempts", "whole number"}},
		{"maxAttempts bool", map[string]string{"maxAttempts": `"maxAttempts": true`}, []string{at + "maxAttempts: must be a number"}},
		{"initialBackoff missing", map[string]string{"initialBackoff": ""}, []string{at + "initialBackoff: is required"}},
		{"initialBackoff zero", map[string]string{"initialBackoff": `"initialBackoff": "0s"`}, []string{at + "initialBackoff: must be greater than zero"}},
		{"initialBackoff negative", map[string]string{"initialBackoff": `"initialBackoff": "-1s"`}, []string{at + "initialBackoff: must be greater than zero"}},
		{"initialBackoff number", map[string]string{"initialBackoff": `"initialBackoff": 0.1`}, []string{at + "initialBackoff", "duration string"}},
		{"initialBackoff no unit", map[string]string{"initialBackoff": `"initialBackoff": "100"`}, []string{at + "initialBackoff", `end in "s"`}},
		{"maxBackoff missing", map[string]string{"maxBackoff": ""}, []string{at + "maxBackoff: is required"}},
		{"maxBackoff zero", map[string]string{"maxBackoff": `"maxBackoff": "0.0s"`}, []string{at + "maxBackoff: must be greater than zero"}},
		{"multiplier missing", map[string]string{"backoffMultiplier": ""}, []string{at + "backoffMultiplier: is required"}},
		{"multiplier zero", map[string]string{"backoffMultiplier": `"backoffMultiplier": 0`}, []string{at + "backoffMultiplier: must be greater than zero"}},
		{"multiplier negative", map[string]string{"backoffMultiplier": `"backoffMultiplier": -2`}, []string{at + "backoffMultiplier: must be greater than zero"}},
		{"multiplier NaN", map[string]string{"backoffMultiplier": `"backoffMultiplier": "NaN"`}, []string{at + "backoffMultiplier", "finite"}},
		{"multiplier Infinity", map[string]string{"backoffMultiplier": `"backoffMultiplier": "Infinity"`}, []string{at + "backoffMultiplier", "finite"}},
		{"multiplier overflow", map[string]string{"backoffMultiplier": `"backoffMultiplier": 1e999`}, []string{at + "backoffMultiplier", "out of range"}},
		{"multiplier word", map[string]string{"backoffMultiplier": `"backoffMultiplier": "fast"`}, []string{at + "backoffMultiplier", "must be a number"}},
		{"codes missing", map[string]string{"retryableStatusCodes": ""}, []string{at + "retryableStatusCodes: is required and must not be empty"}},
		{"codes empty", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": []`}, []string{at + "retryableStatusCodes: is required and must not be empty"}},
		{"codes not a list", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": "UNAVAILABLE"`}, []string{at + "retryableStatusCodes: must be a JSON list"}},
		{"code unknown name", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": ["UNAVAILABLE", "FLAKY"]`},
			[]string{at + "retryableStatusCodes[1]", `"FLAKY" is not a status code name`}},
		{"code number as string", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": ["14"]`},
			[]string{at + "retryableStatusCodes[0]", `"14" is not a status code name`}},
		{"code out of range", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": [17]`},
			[]string{at + "retryableStatusCodes[0]", "17 is not a status code", "0 to 16"}},
		{"code negative", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": [-1]`},
			[]string{at + "retryableStatusCodes[0]", "-1 is not a status code"}},
		{"code OK by name", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": ["ok"]`},
			[]string{at + "retryableStatusCodes[0]: OK cannot be retried"}},
		{"code OK by number", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": [0]`},
			[]string{at + "retryableStatusCodes[0]: OK cannot be retried"}},
		{"code bool", map[string]string{"retryableStatusCodes": `"retryableStatusCodes": [true]`},
			[]string{at + "retryableStatusCodes[0]: must be a status code name", "boolean"}},
	}
	var invalid []invalidCase
	for _, tc := range cases {
		invalid = append(invalid, invalidCase{tc.name, retryWith(tc.override), tc.want})
	}
	runInvalid(t, invalid)
}

// TestParseInvalidRetryPolicyInvalidatesConfig: A6 says an invalid retry
// policy makes the whole config invalid, even when the rest is fine.
func TestParseInvalidRetryPolicyInvalidatesConfig(t *testing.T) {
	c, err := Parse(`{
		"loadBalancingConfig": [{"round_robin": {}}],
		"methodConfig": [
			{"name": [{"service": "a.A"}], "timeout": "1s"},
			{"name": [{"service": "b.B"}], "retryPolicy": {"maxAttempts": 3}}
		]}`)
	require.Error(t, err)
	assert.Nil(t, c)
	assert.Contains(t, err.Error(), "methodConfig[1].retryPolicy.initialBackoff")
}
