package balancertest

import (
	"context"
	"errors"

	"github.com/actorpc/actorpc/rpc/balancer"
)

// errNilSubConn is what Pick returns for a picker that returned neither a
// subchannel nor an error, which would leave the channel with nowhere to
// send the call.
var errNilSubConn = errors.New("balancertest: the picker returned no subchannel and no error")

// Pick runs p once for a test method and returns the picked address, or
// the picker's error.
func Pick(p balancer.Picker) (string, error) {
	res, err := p.Pick(balancer.PickInfo{FullMethodName: "/test.Service/Method", Ctx: context.Background()})
	if err != nil {
		return "", err
	}
	if res.SubConn == nil {
		return "", errNilSubConn
	}
	return res.SubConn.Address().Addr, nil
}

// PickCounts runs p n times and counts the picks of each address; an
// error fails the test.
func (cc *ClientConn) PickCounts(p balancer.Picker, n int) map[string]int {
	cc.t.Helper()
	counts := map[string]int{}
	for range n {
		addr, err := Pick(p)
		if err != nil {
			cc.t.Fatalf("balancertest: pick failed: %v", err)
		}
		counts[addr]++
	}
	return counts
}

// Picked is the address the last published picker sends a call to; an
// error fails the test.
func (cc *ClientConn) Picked() string {
	cc.t.Helper()
	addr, err := Pick(cc.LastState().Picker)
	if err != nil {
		cc.t.Fatalf("balancertest: pick failed: %v", err)
	}
	return addr
}

// PickErr is the error the last published picker fails (or queues) a call
// with; a successful pick fails the test.
func (cc *ClientConn) PickErr() error {
	cc.t.Helper()
	addr, err := Pick(cc.LastState().Picker)
	if err == nil {
		cc.t.Fatalf("balancertest: the pick succeeded (%s), want an error", addr)
	}
	return err
}
