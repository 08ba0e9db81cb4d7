package rpc

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/actorpc/actorpc/actors"
	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc/codes"
	"github.com/actorpc/actorpc/rpc/connectivity"
	"github.com/actorpc/actorpc/rpc/status"
	"github.com/actorpc/actorpc/streamactor"
)

// Client-side health checking (gRFC A17).
//
// When the service config has a healthCheckConfig and the channel's
// policy is one that uses it, each subchannel, once connected, opens a
// grpc.health.v1.Health/Watch stream for the configured service on its own
// connection, and reports READY only while the backend answers SERVING.
//
// The Watch call is made here, in the core, with the stream API every
// call uses and a hand-written codec for its two one-field messages; the
// core does not import rpc/health (DESIGN: the core never imports the
// standard services). grpc-go instead lets its health package register
// the checking function on import, so that forgetting the blank import
// silently turns health checking off; here the service config alone
// decides, and the wire format (field 1 of each message) is frozen by
// health.proto, so there is nothing to keep in step.

// healthWatchMethod is the method the watch calls.
const healthWatchMethod = "/grpc.health.v1.Health/Watch"

// Serving statuses of grpc.health.v1.HealthCheckResponse, as on the wire.
const (
	healthUnknown        = 0
	healthServing        = 1
	healthNotServing     = 2
	healthServiceUnknown = 3
)

// healthCheckPolicies are the load-balancing policies whose subchannels
// are health checked. As in grpc-go, round_robin is, and pick_first (on
// its own, not under another policy) is not.
var healthCheckPolicies = map[string]bool{"round_robin": true}

// healthSetting is what a subchannel is told to watch.
type healthSetting struct {
	enabled bool
	service string // "" is the server as a whole
}

// healthSetting is what the config in force asks of the subchannels of
// the policy in force.
func (a *channelActor) healthSetting() healthSetting {
	if a.cc.opts.disableHealthCheck || a.config == nil || a.config.HealthCheck == nil || !healthCheckPolicies[a.lbName] {
		return healthSetting{}
	}
	return healthSetting{enabled: true, service: a.config.HealthCheck.ServiceName}
}

// pushHealthSetting tells every subchannel what the config now in force
// asks; those connected start watching anew.
func (a *channelActor) pushHealthSetting() {
	hs := a.healthSetting()
	for sc := range a.subchannels {
		sc.setHealth(hs)
	}
}

// setHealth leaves hs in the subchannel's slot, replacing a setting it has
// not taken yet. The channel actor is the slot's only sender, so once
// emptied it has room: this never blocks.
func (sc *subchannel) setHealth(hs healthSetting) {
	select {
	case <-sc.health:
	default:
	}
	sc.health <- hs
}

// healthReport is what a health watch tells its subchannel.
type healthReport struct {
	state connectivity.State // Ready or TransientFailure
	err   error              // TransientFailure: why
	// unimplemented: the backend has no health service; the subchannel
	// stays READY and the watch has ended (A17).
	unimplemented bool
}

// healthWatch is the handle of the goroutine watching one connection's
// health; the subchannel actor owns it.
type healthWatch struct {
	ref *actors.Ref
	// reports holds the watch's newest report; its only sender replaces
	// an unread one. from: health watch to subchannel; never
	reports chan healthReport
}

// takeHealthSetting applies the newest setting the channel left, if any.
func (a *subchannelActor) takeHealthSetting() {
	select {
	case a.healthCfg = <-a.sc.health:
	default:
	}
}

// connected is what follows a successful attempt: READY at once without
// health checking; with it, CONNECTING until the watch's first answer
// (healthView decides).
func (a *subchannelActor) connected(ctx context.Context) {
	a.report(healthView(a.healthCfg.enabled, nil))
	if !a.healthCfg.enabled {
		return
	}
	w := &healthWatch{reports: make(chan healthReport, 1)}
	conn, service, cc := a.conn, a.healthCfg.service, a.cc
	w.ref = actors.Spawn(ctx, "health-watch/"+a.sc.addr.String(), func(ctx context.Context) error {
		cc.watchHealth(ctx, conn, service, w.report)
		return nil
	})
	a.watch = w
}

// healthReported turns the watch's report into the subchannel's state.
func (a *subchannelActor) healthReported(r healthReport) {
	if r.unimplemented {
		if !a.unimplementedLogged {
			a.unimplementedLogged = true
			a.cc.opts.logger.Warn("rpc: the backend does not implement grpc.health.v1.Health/Watch; health checking is disabled for it (A17)",
				"address", a.sc.addr.String())
		}
		a.stopHealthWatch()
	}
	a.report(healthView(a.healthCfg.enabled, &r))
}

// healthChanged applies a new setting; a connected subchannel starts over
// with it.
func (a *subchannelActor) healthChanged(ctx context.Context, hs healthSetting) {
	if hs == a.healthCfg {
		return
	}
	a.healthCfg = hs
	a.stopHealthWatch()
	a.connected(ctx)
}

// stopHealthWatch ends the watch and waits for it; it ends at once (its
// stream and its backoff both end with its context).
func (a *subchannelActor) stopHealthWatch() {
	if a.watch == nil {
		return
	}
	a.watch.ref.Stop()
	<-a.watch.ref.Done()
	a.watch = nil
}

func (w *healthWatch) report(r healthReport) {
	select {
	case <-w.reports:
	default:
	}
	w.reports <- r
}

// watchHealth runs one connection's health watch until ctx ends or the
// backend answers Unimplemented. A stream that ends otherwise (any other
// status, OK included) is retried with the channel's connection backoff,
// which starts over once a stream has delivered a response (A17).
func (cc *ClientConn) watchHealth(ctx context.Context, conn *connactor.Conn, service string, report func(healthReport)) {
	failures := 0
	for {
		if failures > 0 && !sleepCtx(ctx, cc.opts.connectParams.Backoff.Delay(failures-1)) {
			return
		}
		received, st := cc.watchHealthOnce(ctx, conn, service, report)
		if ctx.Err() != nil {
			return
		}
		if st.Code() == codes.Unimplemented {
			report(healthReport{unimplemented: true})
			return
		}
		if received {
			failures = 0
		}
		failures++
		report(healthReport{state: connectivity.TransientFailure,
			err: fmt.Errorf("connection active but the health check stream failed: %s: %s", st.Code(), st.Message())})
	}
}

// watchHealthOnce makes one Watch call and reports each status it
// receives. It returns whether any arrived, and how the call ended.
func (cc *ClientConn) watchHealthOnce(ctx context.Context, conn *connactor.Conn, service string, report func(healthReport)) (bool, *status.Status) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the stream actor, whatever happened
	head := cc.requestHead(sctx, healthWatchMethod, nil)
	cs, st := streamactor.NewClientStream(sctx, conn, head, defaultMaxRecvMsgSize)
	if st != nil {
		return false, st
	}
	if cs.Send(streamactor.Frame(encodeHealthRequest(service), false), false) == nil {
		cs.CloseSend()
	}
	received := false
	for {
		msg, st := cs.Recv()
		if st != nil {
			return received, st
		}
		payload, err := inflate(msg.Payload, msg.Compressed, cs.Encoding(), defaultMaxRecvMsgSize, codes.Internal)
		if err != nil {
			return received, status.Convert(err)
		}
		serving, err := decodeHealthResponse(payload)
		msg.Release()
		if err != nil {
			return received, status.Convert(err)
		}
		received = true
		switch serving {
		case healthServing:
			report(healthReport{state: connectivity.Ready})
		default:
			report(healthReport{state: connectivity.TransientFailure,
				err: fmt.Errorf("connection active but the health check says %s for service %q", healthStatusName(serving), service)})
		}
	}
}

// encodeHealthRequest is HealthCheckRequest{service}: field 1, a string.
func encodeHealthRequest(service string) []byte {
	if service == "" {
		return nil // proto3 leaves the default value out
	}
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	return protowire.AppendString(b, service)
}

// decodeHealthResponse reads HealthCheckResponse.status (field 1, an
// enum); other fields are skipped, as proto3 parsers do.
func decodeHealthResponse(b []byte) (uint64, error) {
	var serving uint64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return 0, fmt.Errorf("malformed health check response: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if num == 1 && typ == protowire.VarintType {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return 0, fmt.Errorf("malformed health check response status: %w", protowire.ParseError(n))
			}
			serving, b = v, b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return 0, fmt.Errorf("malformed health check response: %w", protowire.ParseError(n))
		}
		b = b[n:]
	}
	return serving, nil
}

func healthStatusName(s uint64) string {
	switch s {
	case healthUnknown:
		return "UNKNOWN"
	case healthServing:
		return "SERVING"
	case healthNotServing:
		return "NOT_SERVING"
	case healthServiceUnknown:
		return "SERVICE_UNKNOWN"
	}
	return fmt.Sprintf("status %d", s)
}

// sleepCtx waits d, or less when ctx ends first; it reports whether the
// whole d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
