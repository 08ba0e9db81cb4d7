package serviceconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invalidCase is a config Parse must reject, with fragments its error must
// contain (checked loosely, so wording can improve without churning tests).
type invalidCase struct {
	name string
	js   string
	want []string
}

func runInvalid(t *testing.T, cases []invalidCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.js)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), "serviceconfig: ")
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// mustParse parses a config the test expects to be valid.
func mustParse(t *testing.T, js string) *Config {
	t.Helper()
	c, err := Parse(js)
	require.NoError(t, err)
	require.NotNil(t, c)
	return c
}

func ptr[T any](v T) *T { return &v }
