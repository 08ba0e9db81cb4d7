package balancer

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/actorpc/actorpc/rpc/resolver"
)

func TestErrPicker(t *testing.T) {
	errDown := errors.New("down")
	for _, err := range []error{errDown, ErrNoSubConnAvailable} {
		p := ErrPicker(err)
		for range 2 {
			res, got := p.Pick(PickInfo{FullMethodName: "/s/M"})
			assert.Same(t, err, got, "the error as given, for errors.Is and status errors")
			assert.Nil(t, res.SubConn)
		}
	}
	assert.PanicsWithValue(t, "balancer: ErrPicker(nil)", func() { ErrPicker(nil) })
}

func TestAddressKey(t *testing.T) {
	tcp := resolver.Address{Addr: "10.0.0.1:80", Network: "tcp"}
	assert.Equal(t, tcp, AddressKey(resolver.Address{Addr: "10.0.0.1:80"}))
	assert.Equal(t, tcp, AddressKey(tcp))
	unix := resolver.Address{Addr: "/tmp/s", Network: "unix"}
	assert.Equal(t, unix, AddressKey(unix))
	named := resolver.Address{Addr: "10.0.0.1:80", ServerName: "x"}
	assert.NotEqual(t, AddressKey(named), AddressKey(tcp), "another :authority is another backend")
}

func TestDedupeAddresses(t *testing.T) {
	a := resolver.Address{Addr: "a:1"}
	aTCP := resolver.Address{Addr: "a:1", Network: "tcp"}
	aUnix := resolver.Address{Addr: "a:1", Network: "unix"}
	b := resolver.Address{Addr: "b:1"}
	tests := []struct {
		name string
		in   []resolver.Address
		want []resolver.Address
	}{
		{"nil", nil, []resolver.Address{}},
		{"distinct, in order", []resolver.Address{b, a}, []resolver.Address{b, a}},
		{"repeated", []resolver.Address{a, b, a, b}, []resolver.Address{a, b}},
		{"tcp spelt out is the same, the first kept as given", []resolver.Address{a, b, aTCP}, []resolver.Address{a, b}},
		{"tcp spelt out first", []resolver.Address{aTCP, a}, []resolver.Address{aTCP}},
		{"unix is another backend", []resolver.Address{a, aUnix}, []resolver.Address{a, aUnix}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, DedupeAddresses(tc.in))
		})
	}
}

func TestDedupeAddressesReturnsANewSlice(t *testing.T) {
	in := []resolver.Address{{Addr: "a:1"}, {Addr: "b:1"}}
	out := DedupeAddresses(in)
	out[0], out[1] = out[1], out[0]
	assert.Equal(t, "a:1", in[0].Addr, "reordering the result leaves the resolver's slice alone")
}
