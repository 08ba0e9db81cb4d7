package serviceconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseThrottling(t *testing.T) {
	tests := []struct {
		js   string
		want Throttling
	}{
		{`{"maxTokens": 10, "tokenRatio": 0.1}`, Throttling{MaxTokens: 10, TokenRatio: 0.1}},
		{`{"maxTokens": "10", "tokenRatio": "0.1"}`, Throttling{MaxTokens: 10, TokenRatio: 0.1}},
		{`{"maxTokens": 1, "tokenRatio": 1}`, Throttling{MaxTokens: 1, TokenRatio: 1}},
		{`{"maxTokens": 1000, "tokenRatio": 2.5}`, Throttling{MaxTokens: 1000, TokenRatio: 2.5}},
		{`{"maxTokens": 10, "tokenRatio": 0.29}`, Throttling{MaxTokens: 10, TokenRatio: 0.29}},
		{`{"maxTokens": 10, "tokenRatio": 0.1239}`, Throttling{MaxTokens: 10, TokenRatio: 0.123}},
		{`{"maxTokens": 10, "tokenRatio": 0.0019}`, Throttling{MaxTokens: 10, TokenRatio: 0.001}},
		{`{"maxTokens": 10, "tokenRatio": 1e-3}`, Throttling{MaxTokens: 10, TokenRatio: 0.001}},
		{`{"maxTokens": 10, "tokenRatio": 12.34567}`, Throttling{MaxTokens: 10, TokenRatio: 12.345}},
	}
	for _, tc := range tests {
		c := mustParse(t, `{"retryThrottling": `+tc.js+`}`)
		assert.Equal(t, &tc.want, c.RetryThrottling, tc.js)
	}
}

func TestParseThrottlingInvalid(t *testing.T) {
	th := func(fields string) string { return `{"retryThrottling": {` + fields + `}}` }
	runInvalid(t, []invalidCase{
		{"maxTokens missing", th(`"tokenRatio": 0.1`), []string{"retryThrottling.maxTokens: is required"}},
		{"maxTokens zero", th(`"maxTokens": 0, "tokenRatio": 0.1`), []string{"retryThrottling.maxTokens: must be from 1 to 1000", "got 0"}},
		{"maxTokens too big", th(`"maxTokens": 1001, "tokenRatio": 0.1`), []string{"retryThrottling.maxTokens: must be from 1 to 1000", "got 1001"}},
		{"maxTokens negative", th(`"maxTokens": -1, "tokenRatio": 0.1`), []string{"retryThrottling.maxTokens", "must not be negative"}},
		{"maxTokens fraction", th(`"maxTokens": 10.5, "tokenRatio": 0.1`), []string{"retryThrottling.maxTokens", "whole number"}},
		{"maxTokens object", th(`"maxTokens": {}, "tokenRatio": 0.1`), []string{"retryThrottling.maxTokens: must be a number, got an object"}},
		{"tokenRatio missing", th(`"maxTokens": 10`), []string{"retryThrottling.tokenRatio: is required"}},
		{"tokenRatio zero", th(`"maxTokens": 10, "tokenRatio": 0`), []string{"retryThrottling.tokenRatio: must be greater than zero"}},
		{"tokenRatio negative", th(`"maxTokens": 10, "tokenRatio": -0.1`), []string{"retryThrottling.tokenRatio: must be greater than zero"}},
		{"tokenRatio below a thousandth", th(`"maxTokens": 10, "tokenRatio": 0.0009`), []string{"retryThrottling.tokenRatio: must be at least 0.001", "3 decimal places"}},
		{"tokenRatio NaN", th(`"maxTokens": 10, "tokenRatio": "NaN"`), []string{"retryThrottling.tokenRatio", "finite"}},
		{"tokenRatio bool", th(`"maxTokens": 10, "tokenRatio": false`), []string{"retryThrottling.tokenRatio: must be a number"}},
	})
}

func TestTruncateMillis(t *testing.T) {
	for in, want := range map[float64]float64{
		0.1: 0.1, 0.29: 0.29, 0.123456: 0.123, 1.9999: 1.999, 5: 5, 0.0004: 0, 1e-7: 0, 123.4567: 123.456,
	} {
		assert.Equal(t, want, truncateMillis(in), "%v", in)
	}
}
