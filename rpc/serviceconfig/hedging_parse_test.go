package serviceconfig

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc/codes"
)

func hedgingConfig(policy string) string {
	return `{"methodConfig": [{"name": [{"service": "pkg.Svc"}], "hedgingPolicy": ` + policy + `}]}`
}

func TestParseHedgingPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   *HedgingPolicy
	}{
		{"A6 example", `{"maxAttempts": 4, "hedgingDelay": "0.5s", "nonFatalStatusCodes": ["UNAVAILABLE", "INTERNAL", "ABORTED"]}`,
			&HedgingPolicy{MaxAttempts: 4, HedgingDelay: 500 * time.Millisecond,
				NonFatalStatusCodes: map[codes.Code]bool{codes.Unavailable: true, codes.Internal: true, codes.Aborted: true}}},
		{"delay and codes optional", `{"maxAttempts": 2}`, &HedgingPolicy{MaxAttempts: 2}},
		{"maxAttempts capped at 5", `{"maxAttempts": 9, "nonFatalStatusCodes": [14]}`,
			&HedgingPolicy{MaxAttempts: 5, NonFatalStatusCodes: map[codes.Code]bool{codes.Unavailable: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mc := mustParse(t, hedgingConfig(tc.policy)).Method("/pkg.Svc/M")
			require.NotNil(t, mc.HedgingPolicy)
			assert.Equal(t, tc.want, mc.HedgingPolicy)
			assert.Nil(t, mc.RetryPolicy)
		})
	}
}

// TestParseHedgingPolicyRejected: an invalid hedgingPolicy, or one beside
// a retryPolicy, rejects the whole config (A6).
func TestParseHedgingPolicyRejected(t *testing.T) {
	for name, js := range map[string]string{
		"maxAttempts missing":  hedgingConfig(`{"hedgingDelay": "1s"}`),
		"maxAttempts 1":        hedgingConfig(`{"maxAttempts": 1}`),
		"negative delay":       hedgingConfig(`{"maxAttempts": 3, "hedgingDelay": "-1s"}`),
		"delay not a duration": hedgingConfig(`{"maxAttempts": 3, "hedgingDelay": 5}`),
		"unknown code":         hedgingConfig(`{"maxAttempts": 3, "nonFatalStatusCodes": ["NOPE"]}`),
		"OK is not a failure":  hedgingConfig(`{"maxAttempts": 3, "nonFatalStatusCodes": ["OK"]}`),
		"not an object":        hedgingConfig(`[]`),
		"both policies": `{"methodConfig": [{"name": [{"service": "pkg.Svc"}], "hedgingPolicy": {"maxAttempts": 2},
			"retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(js)
			assert.Error(t, err)
		})
	}
}
