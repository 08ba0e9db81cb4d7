package serviceconfig

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseLoadBalancingConfig(t *testing.T) {
	tests := []struct {
		name string
		js   string
		want []LBPolicy
	}{
		{
			name: "list in order with raw configs",
			js:   `{"loadBalancingConfig": [{"round_robin": {}}, {"pick_first": {"shuffleAddressList": true}}]}`,
			want: []LBPolicy{
				{Name: "round_robin", Config: json.RawMessage(`{}`)},
				{Name: "pick_first", Config: json.RawMessage(`{"shuffleAddressList": true}`)},
			},
		},
		{
			name: "unknown policies are kept for the channel to skip",
			js:   `{"loadBalancingConfig": [{"future_lb": {"x": [1]}}, {"round_robin": {}}]}`,
			want: []LBPolicy{
				{Name: "future_lb", Config: json.RawMessage(`{"x": [1]}`)},
				{Name: "round_robin", Config: json.RawMessage(`{}`)},
			},
		},
		{
			name: "deprecated policy name",
			js:   `{"loadBalancingPolicy": "round_robin"}`,
			want: []LBPolicy{{Name: "round_robin"}},
		},
		{
			name: "deprecated policy name as the proto enum",
			js:   `{"loadBalancingPolicy": "ROUND_ROBIN"}`,
			want: []LBPolicy{{Name: "round_robin"}},
		},
		{
			name: "loadBalancingConfig wins over the deprecated field",
			js:   `{"loadBalancingPolicy": "round_robin", "loadBalancingConfig": [{"pick_first": {}}]}`,
			want: []LBPolicy{{Name: "pick_first", Config: json.RawMessage(`{}`)}},
		},
		{
			name: "empty loadBalancingConfig counts as unset",
			js:   `{"loadBalancingPolicy": "round_robin", "loadBalancingConfig": []}`,
			want: []LBPolicy{{Name: "round_robin"}},
		},
		{
			name: "empty deprecated name counts as unset",
			js:   `{"loadBalancingPolicy": ""}`,
			want: nil,
		},
		{
			name: "nothing",
			js:   `{}`,
			want: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, tc.js)
			assert.Equal(t, tc.want, c.LoadBalancing)
		})
	}
}

func TestParseLoadBalancingConfigInvalid(t *testing.T) {
	runInvalid(t, []invalidCase{
		{"two keys", `{"loadBalancingConfig": [{"round_robin": {}, "pick_first": {}}]}`,
			[]string{"loadBalancingConfig[0]", "exactly one key", `"pick_first", "round_robin"`, "separate entries"}},
		{"no keys", `{"loadBalancingConfig": [{"round_robin": {}}, {}]}`,
			[]string{"loadBalancingConfig[1]", "exactly one key", "got 0 keys"}},
		{"entry is a string", `{"loadBalancingConfig": ["round_robin"]}`,
			[]string{"loadBalancingConfig[0]: must be a JSON object", `"round_robin"`}},
		{"config is a string", `{"loadBalancingConfig": [{"round_robin": "yes"}]}`,
			[]string{"loadBalancingConfig[0]", `policy "round_robin" must be a JSON object (use {} for none)`}},
		{"config is null", `{"loadBalancingConfig": [{"round_robin": null}]}`,
			[]string{"must be a JSON object", "got null"}},
		{"empty name", `{"loadBalancingConfig": [{"": {}}]}`,
			[]string{"loadBalancingConfig[0]", "name must not be empty"}},
		{"bad entry after good", `{"loadBalancingConfig": [{"round_robin": {}}, 3]}`,
			[]string{"loadBalancingConfig[1]"}},
	})
}
