package insecure

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestInsecureReturnsSameConn(t *testing.T) {
	creds := NewCredentials()
	assert.Equal(t, "insecure", creds.Info().SecurityProtocol)
	assert.Empty(t, creds.Info().ServerName)

	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()

	conn, info, err := creds.ClientHandshake(t.Context(), "foo.test.example:443", a)
	require.NoError(t, err)
	assert.Same(t, a, conn)
	require.NotNil(t, info)
	assert.Equal(t, "insecure", info.AuthType())

	conn, info, err = creds.ServerHandshake(b)
	require.NoError(t, err)
	assert.Same(t, b, conn)
	require.NotNil(t, info)
	assert.Equal(t, "insecure", info.AuthType())
}
