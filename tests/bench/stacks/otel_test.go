package stacks

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
)

// recorder is one side's providers, made to be read.
type recorder struct {
	metrics *sdkmetric.ManualReader
	spans   *tracetest.InMemoryExporter
}

func newRecorder() *recorder {
	return &recorder{sdkmetric.NewManualReader(), tracetest.NewInMemoryExporter()}
}

// config is Config{OTel: true} recording into r.
func (r *recorder) config() Config {
	return Config{OTel: true, newOTel: func() *otelProviders { return newOTelProvidersInto(r.metrics, r.spans) }}
}

func (r *recorder) metricNames(t *testing.T) map[string]bool {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("collecting metrics: %v", err)
	}
	names := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			names[m.Name] = true
		}
	}
	return names
}

// TestOTelRecords checks that Config.OTel puts each stack's handler on
// both sides, so that the -otel bench rows measure the recording they
// claim: one unary call leaves the A66 metrics on the client and the
// server, and the client's call span (it ends before the call returns;
// the server's may end later, so it is not waited for).
func TestOTelRecords(t *testing.T) {
	for _, st := range All() {
		t.Run(st.Name(), func(t *testing.T) {
			srvRec, clRec := newRecorder(), newRecorder()
			srv, err := st.ServeWith(srvRec.config())
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			cl, err := st.DialWith([]string{srv.Addr}, clRec.config())
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if _, err := cl.Unary(context.Background(), &echopb.EchoRequest{Message: "x"}); err != nil {
				t.Fatalf("call: %v", err)
			}

			got := clRec.metricNames(t)
			for _, want := range []string{"grpc.client.attempt.started", "grpc.client.attempt.duration", "grpc.client.call.duration"} {
				if !got[want] {
					t.Errorf("client recorded no %s (got %v)", want, got)
				}
			}
			// Started is recorded before the handler runs, so before the
			// response reaches the client.
			if got := srvRec.metricNames(t); !got["grpc.server.call.started"] {
				t.Errorf("server recorded no grpc.server.call.started (got %v)", got)
			}
			var clientSpans int
			for _, s := range clRec.spans.GetSpans() {
				if s.SpanKind == trace.SpanKindClient {
					clientSpans++
				}
			}
			if clientSpans == 0 {
				t.Errorf("no client span ended; spans: %v", clRec.spans.GetSpans())
			}
		})
	}
}
