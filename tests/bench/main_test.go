package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// TestMain lets the test binary stand in for the command as a child
// process (the allocation and memory figures re-execute the binary with a
// hidden flag); otherwise it runs the tests with a goroutine-leak check.
// The command's main never runs here, and the tests only take the
// workloads for a few milliseconds.
func TestMain(m *testing.M) {
	settleWait = 10 * time.Millisecond // figures need not be exact here
	if isChild(os.Args[1:]) {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}

var quick = timing{warm: 5 * time.Millisecond, d: 40 * time.Millisecond}

func TestWorkloadsRun(t *testing.T) {
	for _, w := range workloads() {
		t.Run(w.name, func(t *testing.T) {
			if w.floor != nil {
				r, err := w.floor(quick)
				if err != nil {
					t.Fatalf("raw TCP: %v", err)
				}
				checkResult(t, "raw TCP", w, r)
			}
			for _, st := range stacks.All() {
				r, err := w.run(st, quick)
				if err != nil {
					t.Fatalf("%s: %v", st.Name(), err)
				}
				checkResult(t, st.Name(), w, r)
			}
		})
	}
}

func checkResult(t *testing.T, who string, w workload, r result) {
	t.Helper()
	if r.ops <= 0 || r.elapsed <= 0 {
		t.Errorf("%s: %d ops in %v", who, r.ops, r.elapsed)
	}
	for _, m := range w.rows {
		if v := m.value(r); v <= 0 {
			t.Errorf("%s: %s = %v", who, m.label, v)
		}
	}
}

func TestAllocFigures(t *testing.T) {
	for _, st := range stacks.All() {
		for _, side := range allocSides {
			f, err := side.measure(st, 50)
			if err != nil {
				t.Fatalf("%s %s: %v", st.Name(), side.key, err)
			}
			if f.allocs <= 0 || f.bytes <= 0 {
				t.Errorf("%s %s: %+v", st.Name(), side.key, f)
			}
		}
	}
}

func TestIdleMemory(t *testing.T) {
	for _, st := range stacks.All() {
		m, err := measureIdle(st, 10, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", st.Name(), err)
		}
		if m.ConnGoroutines <= 0 || m.StreamGoroutines <= 0 {
			t.Errorf("%s: %+v: no goroutines per connection or stream?", st.Name(), m)
		}
		// The same through a child process, as the command does it.
		if _, err := idleMemory(st, 5, ""); err != nil {
			t.Fatalf("%s in a child: %v", st.Name(), err)
		}
	}
}

// TestCommand runs the command end to end with tiny durations: the table,
// and the profiles in a child.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	cpu, mem, idle := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof"), filepath.Join(dir, "idle.pprof")
	var out, errOut bytes.Buffer
	code := run([]string{
		"-reps", "2", "-d", "30ms", "-warmup", "5ms", "-only", "unary-1B-c1,stream-1KiB,allocs,memory",
		"-allocn", "20", "-memn", "5", "-cpuprofile", cpu, "-memprofile", mem, "-idleprofile", idle, "-profile", "unary-1B-c1",
	}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &out, &errOut)
	}
	table := out.String()
	for _, want := range []string{"grpc-go", "actorpc/grpc-go", "unary 1 B, 1 conn, 1 in flight", "p99 latency", "server streaming", "allocs/call", "heap in use/stream", "NumCPU"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "FAILED") {
		t.Errorf("a figure failed:\n%s\n%s", table, &errOut)
	}
	for _, f := range []string{cpu, mem, idle} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("profile %s: %v", f, err)
		}
	}
}

func TestFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-only", "nonsense"}, &out, &errOut); code != 2 {
		t.Errorf("-only nonsense: exit %d, want 2", code)
	}
	if code := run([]string{"-h"}, &out, &errOut); code != 0 || strings.Contains(errOut.String(), "-memchild") {
		t.Errorf("-h: exit %d, hidden flags shown:\n%s", code, &errOut)
	}
}

func TestFormats(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := fmtCount(in); got != want {
			t.Errorf("fmtCount(%v) = %q, want %q", in, got, want)
		}
	}
	if got := fmtMiB(12345.67); got != "12,345.7" {
		t.Errorf("fmtMiB = %q", got)
	}
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median = %v", got)
	}
	if got := percentile([]time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5); got != 5 {
		t.Errorf("p50 = %v", got)
	}
}

// newWorkloads are the rows of issue 12; TestWorkloadsRun runs each once
// on both stacks.
var newWorkloads = []string{"unary-1B-c64-tls", "unary-1KiB-c64-gzip", "unary-1B-conns100", "unary-1B-c64-rr4", "unary-64MiB-c1", "first-call"}

func TestNewFlags(t *testing.T) {
	o, err := parseFlags([]string{"-cpu", "1", "-only", strings.Join(newWorkloads, ",")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.cpu != 1 {
		t.Errorf("-cpu 1 parsed as %d", o.cpu)
	}
	p, err := makePlan(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.work) != len(newWorkloads) {
		t.Errorf("-only %v planned %d workloads", newWorkloads, len(p.work))
	}
	if _, err := parseFlags([]string{"-cpu", "-1"}, io.Discard); err == nil {
		t.Error("-cpu -1 accepted")
	}
}

// TestCPUFlag runs the command with -cpu 1: the header says so, and the
// process runs with GOMAXPROCS 1 (restored afterwards).
func TestCPUFlag(t *testing.T) {
	t.Setenv("GOMAXPROCS", os.Getenv("GOMAXPROCS")) // run sets it; restored after the test
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var out, errOut bytes.Buffer
	if code := run([]string{"-cpu", "1", "-reps", "1", "-d", "20ms", "-warmup", "5ms", "-only", "first-call"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &out, &errOut)
	}
	if !strings.Contains(out.String(), "GOMAXPROCS 1 (set by -cpu 1)") {
		t.Errorf("header does not say -cpu 1:\n%s", &out)
	}
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("GOMAXPROCS %d during the run's aftermath, want 1", got)
	}
}

// otelWorkloads are the unary rows of issue 13 with each stack's
// OpenTelemetry handler on both sides.
var otelWorkloads = []string{"unary-1B-c1-otel", "unary-1B-c64-otel"}

// TestOTelWorkloads runs the OTel rows briefly on both stacks, and through
// the command's -only, as the README's table was made.
func TestOTelWorkloads(t *testing.T) {
	for _, name := range otelWorkloads {
		w, err := findWorkload(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stacks.All() {
			r, err := w.run(st, quick)
			if err != nil {
				t.Fatalf("%s on %s: %v", name, st.Name(), err)
			}
			checkResult(t, st.Name()+" "+name, w, r)
		}
	}
	var out, errOut bytes.Buffer
	only := "unary-1B-c1," + strings.Join(otelWorkloads, ",")
	if code := run([]string{"-reps", "1", "-d", "20ms", "-warmup", "5ms", "-only", only}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &out, &errOut)
	}
	for _, want := range []string{"unary 1 B, 1 conn, 1 in flight, OTel metrics + traces", "unary 1 B, 1 conn, 64 in flight, OTel metrics + traces"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, &out)
		}
	}
	if strings.Contains(out.String(), "FAILED") {
		t.Errorf("a figure failed:\n%s\n%s", &out, &errOut)
	}
}
