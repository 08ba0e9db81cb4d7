package serviceconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseHealthCheckConfig(t *testing.T) {
	cases := []struct {
		name string
		js   string
		want *HealthCheckConfig
	}{
		{"absent", `{}`, nil},
		{"null", `{"healthCheckConfig": null}`, nil},
		{"named service", `{"healthCheckConfig": {"serviceName": "pkg.Svc"}}`, &HealthCheckConfig{ServiceName: "pkg.Svc"}},
		{"empty object watches the server", `{"healthCheckConfig": {}}`, &HealthCheckConfig{}},
		{"empty name watches the server", `{"healthCheckConfig": {"serviceName": ""}}`, &HealthCheckConfig{}},
		{"null name", `{"healthCheckConfig": {"serviceName": null}}`, &HealthCheckConfig{}},
		{"unknown fields ignored", `{"healthCheckConfig": {"serviceName": "s", "future": 1}}`, &HealthCheckConfig{ServiceName: "s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, mustParse(t, tc.js).HealthCheck)
		})
	}
}

func TestParseHealthCheckConfigInvalid(t *testing.T) {
	runInvalid(t, []invalidCase{
		{"not an object", `{"healthCheckConfig": "svc"}`, []string{"healthCheckConfig", "must be a JSON object", `"svc"`}},
		{"list", `{"healthCheckConfig": [{"serviceName": "s"}]}`, []string{"healthCheckConfig", "a list"}},
		{"name not a string", `{"healthCheckConfig": {"serviceName": 7}}`, []string{"healthCheckConfig.serviceName", "must be a JSON string", "7"}},
	})
}
