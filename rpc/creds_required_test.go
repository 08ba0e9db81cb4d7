package rpc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/actorpc/actorpc/rpc"
)

func TestNewClientWithoutCredentialsFails(t *testing.T) {
	cc, err := rpc.NewClient("passthrough:///127.0.0.1:1")
	require.Error(t, err)
	assert.Nil(t, cc)
	assert.Equal(t, "rpc: no transport security set (use rpc.WithTransportCredentials(insecure.NewCredentials()) explicitly or set credentials)", err.Error())
}

func TestWithInsecureSpeaksPlaintext(t *testing.T) {
	addr := serveProbe(t, &probe{})
	cc, err := rpc.NewClient("passthrough:///"+addr, rpc.WithInsecure())
	require.NoError(t, err)
	defer cc.Close()
	got, err := callUnary(context.Background(), cc, "hi")
	require.NoError(t, err)
	assert.Equal(t, "hi", got)
}
