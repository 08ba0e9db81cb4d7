package serviceconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseEmptyObject(t *testing.T) {
	c := mustParse(t, `{}`)
	assert.Nil(t, c.LoadBalancing)
	assert.Nil(t, c.RetryThrottling)
	assert.Equal(t, MethodConfig{}, c.Method("/pkg.Svc/M"))
}

func TestParseIgnoresUnknownFields(t *testing.T) {
	c := mustParse(t, `{
		"futureSetting": {"anything": [1, 2, 3]},
		"methodConfig": [{
			"name": [{"service": "pkg.Svc", "futureNameField": 1}],
			"futureMethodField": "x",
			"timeout": "2s",
			"retryPolicy": {
				"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "2s",
				"backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"],
				"perAttemptRecvTimeout": "1s"
			}
		}],
		"retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1, "future": true}
	}`)
	mc := c.Method("/pkg.Svc/M")
	assert.Equal(t, int64(2e9), int64(mc.Timeout))
	assert.NotNil(t, mc.RetryPolicy)
	assert.Equal(t, &Throttling{MaxTokens: 10, TokenRatio: 0.1}, c.RetryThrottling)
}

func TestParseNullMeansAbsent(t *testing.T) {
	c := mustParse(t, `{
		"loadBalancingConfig": null,
		"loadBalancingPolicy": null,
		"retryThrottling": null,
		"methodConfig": [{
			"name": [{"service": "pkg.Svc", "method": null}],
			"waitForReady": null, "timeout": null,
			"maxRequestMessageBytes": null, "retryPolicy": null
		}]
	}`)
	assert.Nil(t, c.LoadBalancing)
	assert.Nil(t, c.RetryThrottling)
	assert.Equal(t, MethodConfig{}, c.Method("/pkg.Svc/M"))
}

func TestParseInvalidDocument(t *testing.T) {
	runInvalid(t, []invalidCase{
		{"empty", ``, []string{"empty", "{}"}},
		{"blank", " \n\t", []string{"empty"}},
		{"not json", `{"methodConfig": [}`, []string{"not valid JSON"}},
		{"trailing garbage", `{} {}`, []string{"not valid JSON"}},
		{"list", `[]`, []string{"service config: must be a JSON object, got a list"}},
		{"string", `"round_robin"`, []string{"must be a JSON object", "string"}},
		{"null", `null`, []string{"must be a JSON object", "null"}},
	})
}

func TestParseWrongTopLevelTypes(t *testing.T) {
	runInvalid(t, []invalidCase{
		{"methodConfig object", `{"methodConfig": {}}`, []string{"methodConfig: must be a JSON list, got an object"}},
		{"methodConfig string", `{"methodConfig": "x"}`, []string{"methodConfig: must be a JSON list", `"x"`}},
		{"loadBalancingConfig object", `{"loadBalancingConfig": {"round_robin": {}}}`, []string{"loadBalancingConfig: must be a JSON list"}},
		{"loadBalancingPolicy number", `{"loadBalancingPolicy": 1}`, []string{"loadBalancingPolicy: must be a JSON string, got the number 1"}},
		{"retryThrottling list", `{"retryThrottling": []}`, []string{"retryThrottling: must be a JSON object, got a list"}},
	})
}

func TestDescribe(t *testing.T) {
	assert.Equal(t, "an object", describe([]byte(` {} `)))
	assert.Equal(t, "a list", describe([]byte(`[1]`)))
	assert.Equal(t, "null", describe([]byte(`null`)))
	assert.Equal(t, `the string "ab"`, describe([]byte(`"ab"`)))
	assert.Equal(t, "the boolean false", describe([]byte(`false`)))
	assert.Equal(t, "the number -1.5", describe([]byte(`-1.5`)))
	assert.Equal(t, "nothing", describe(nil))
	long := `"` + string(make([]byte, 0)) + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + `"`
	assert.Equal(t, "the string "+long[:40]+"...", describe([]byte(long)))
}
