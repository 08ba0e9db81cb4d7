package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// Columns of a row's figures.
const (
	colGRPC = iota
	colActorpc
	colFloor
	nCols
)

func stackCol(st stacks.Stack) int {
	if st.Name() == "actorpc" {
		return colActorpc
	}
	return colGRPC
}

// row is one line of the table: one figure of one workload.
type row struct {
	group  string // the workload, printed on its first row
	label  string // the figure
	higher bool   // higher is better
	format func(float64) string
	vals   [nCols][]float64 // one per repetition
	failed [nCols]bool
}

type plan struct {
	o       options
	stacks  []stacks.Stack
	work    []workload
	allocs  bool
	memory  bool
	rows    []*row
	byKey   map[string]*row
	started time.Time
	took    time.Duration
}

func makePlan(o options) (*plan, error) {
	p := &plan{o: o, byKey: map[string]*row{}}
	for _, name := range splitList(o.stacks) {
		st, err := stacks.ByName(name)
		if err != nil {
			return nil, err
		}
		p.stacks = append(p.stacks, st)
	}
	only := splitList(o.only)
	want := func(name string) bool { return len(only) == 0 || slices.Contains(only, name) }
	known := []string{"allocs", "memory", "none"}
	for _, w := range workloads() {
		known = append(known, w.name)
		if want(w.name) {
			p.work = append(p.work, w)
		}
	}
	for _, name := range only {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("-only: unknown %q (known: %s)", name, strings.Join(known, ", "))
		}
	}
	p.allocs, p.memory = want("allocs"), want("memory")

	for _, w := range p.work {
		for i, m := range w.rows {
			group := ""
			if i == 0 {
				group = w.title
			}
			p.addRow(w.name+"/"+m.label, &row{group: group, label: m.label, higher: m.higher, format: m.format})
		}
	}
	if p.allocs {
		for _, side := range allocSides {
			p.addRow("allocs/"+side.key, &row{group: side.title, label: "allocs/call", format: fmtAllocs})
			p.addRow("bytes/"+side.key, &row{label: "bytes/call", format: fmtBytes})
		}
	}
	if p.memory {
		n := fmt.Sprint(o.memN)
		p.addRow("mem/conn_heap", &row{group: "idle connection, both ends (" + n + ")", label: "heap in use/conn", format: fmtBytes})
		p.addRow("mem/conn_stack", &row{label: "stacks/conn", format: fmtBytes})
		p.addRow("mem/conn_g", &row{label: "goroutines/conn", format: fmtFrac})
		p.addRow("mem/stream_heap", &row{group: "idle open stream, both ends (" + n + ")", label: "heap in use/stream", format: fmtBytes})
		p.addRow("mem/stream_stack", &row{label: "stacks/stream", format: fmtBytes})
		p.addRow("mem/stream_g", &row{label: "goroutines/stream", format: fmtFrac})
	}
	return p, nil
}

func (p *plan) addRow(key string, r *row) {
	p.rows = append(p.rows, r)
	p.byKey[key] = r
}

var allocSides = []struct {
	key, title string
	measure    func(stacks.Stack, int) (allocFig, error)
}{
	{"both", "unary 1 B, both sides (one process)", allocsBoth},
	{"both-otel", "unary 1 B, both sides, OTel metrics + traces", allocsBothOTel},
	{"client", "unary 1 B, client side (server in child)", allocsClient},
	{"server", "unary 1 B, server side (client in child)", allocsServer},
}

// run measures everything, repetition by repetition, alternating the
// order of the stacks; it reports whether anything failed.
func (p *plan) run(log io.Writer) (failed bool) {
	p.started = time.Now()
	t := timing{warm: p.o.warm, d: p.o.d}
	fail := func(what string, err error) {
		failed = true
		fmt.Fprintf(log, "FAILED %s: %v\n", what, err)
	}
	for rep := range p.o.reps {
		order := slices.Clone(p.stacks)
		if rep%2 == 1 {
			slices.Reverse(order)
		}
		tag := func() string {
			return fmt.Sprintf("[rep %d/%d %4.0fs]", rep+1, p.o.reps, time.Since(p.started).Seconds())
		}
		floors := map[string]result{}
		for _, w := range p.work {
			fr, ok := floors[w.floorKey]
			var err error
			if !ok && w.floor != nil {
				runtime.GC()
				fr, err = w.floor(t)
				if err != nil {
					fail(w.name+" raw TCP", err)
				} else {
					floors[w.floorKey] = fr
				}
			}
			if w.floor != nil {
				p.record(w, colFloor, fr, err)
			}
			for _, st := range order {
				runtime.GC()
				r, err := w.run(st, t)
				if err != nil {
					fail(w.name+" "+st.Name(), err)
				}
				p.record(w, stackCol(st), r, err)
				if err == nil {
					fmt.Fprintf(log, "%s %-16s %-8s %s\n", tag(), w.name, st.Name(), summary(w, r))
				}
			}
		}
		if p.allocs {
			for _, side := range allocSides {
				for _, st := range order {
					runtime.GC()
					f, err := side.measure(st, p.o.allocN)
					if err != nil {
						fail("allocs "+side.key+" "+st.Name(), err)
					}
					p.put("allocs/"+side.key, stackCol(st), f.allocs, err)
					p.put("bytes/"+side.key, stackCol(st), f.bytes, err)
					if err == nil {
						fmt.Fprintf(log, "%s allocs %-6s %-8s %.1f allocs, %.0f B per call\n", tag(), side.key, st.Name(), f.allocs, f.bytes)
					}
				}
			}
		}
		if p.memory {
			for _, st := range order {
				heapProfile := ""
				if rep == 0 && st.Name() == p.o.profileStack {
					heapProfile = p.o.idleprofile
				}
				m, err := idleMemory(st, p.o.memN, heapProfile)
				if err != nil {
					fail("memory "+st.Name(), err)
				}
				c := stackCol(st)
				p.put("mem/conn_heap", c, m.ConnHeap, err)
				p.put("mem/conn_stack", c, m.ConnStack, err)
				p.put("mem/conn_g", c, m.ConnGoroutines, err)
				p.put("mem/stream_heap", c, m.StreamHeap, err)
				p.put("mem/stream_stack", c, m.StreamStack, err)
				p.put("mem/stream_g", c, m.StreamGoroutines, err)
				if err == nil {
					fmt.Fprintf(log, "%s memory %-8s %.0f B heap + %.0f B stacks per conn, %.0f B heap + %.0f B stacks per stream\n",
						tag(), st.Name(), m.ConnHeap, m.ConnStack, m.StreamHeap, m.StreamStack)
				}
			}
		}
	}
	p.took = time.Since(p.started)
	return failed
}

func summary(w workload, r result) string {
	var parts []string
	for _, m := range w.rows {
		parts = append(parts, m.format(m.value(r))+" "+m.label)
	}
	return strings.Join(parts, ", ")
}

func (p *plan) record(w workload, col int, r result, err error) {
	for _, m := range w.rows {
		p.put(w.name+"/"+m.label, col, m.value(r), err)
	}
}

func (p *plan) put(key string, col int, v float64, err error) {
	r := p.byKey[key]
	if err != nil {
		r.failed[col] = true
		return
	}
	r.vals[col] = append(r.vals[col], v)
}

// cell is a column's median, or why there is none.
func (r *row) cell(col int) (float64, string) {
	switch {
	case r.failed[col]:
		return 0, "FAILED"
	case len(r.vals[col]) == 0:
		return 0, "—"
	}
	v := median(r.vals[col])
	return v, r.format(v)
}

// spread is (max-min)/median of a column, as a percentage.
func (r *row) spread(col int) string {
	vs := r.vals[col]
	if len(vs) < 2 || r.failed[col] {
		return "-"
	}
	m := median(vs)
	if m == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*(slices.Max(vs)-slices.Min(vs))/m)
}

func (p *plan) print(out io.Writer) {
	fmt.Fprintln(out, machine(p.o.cpu))
	fmt.Fprintf(out, "%d repetition(s), stacks alternating; timed workloads: %v after %v warm-up; medians; client and server in one process over loopback TCP unless noted. Took %v.\n\n",
		p.o.reps, p.o.d, p.o.warm, p.took.Round(time.Second))
	cells := [][]string{{"workload", "figure", "grpc-go", "actorpc", "actorpc/grpc-go", "better", "raw TCP floor", "spread g/a"}}
	for _, r := range p.rows {
		g, gs := r.cell(colGRPC)
		a, as := r.cell(colActorpc)
		_, fs := r.cell(colFloor)
		ratio := "—"
		if gs != "FAILED" && as != "FAILED" && len(r.vals[colGRPC]) > 0 && len(r.vals[colActorpc]) > 0 && g != 0 {
			ratio = fmt.Sprintf("%.2f", a/g)
		}
		better := "lower"
		if r.higher {
			better = "higher"
		}
		cells = append(cells, []string{r.group, r.label, gs, as, ratio, better, fs, r.spread(colGRPC) + "/" + r.spread(colActorpc)})
	}
	printAligned(out, cells, []bool{false, false, true, true, true, false, true, true})
	fmt.Fprintln(out, `
actorpc/grpc-go is the ratio of the medians: for throughput (calls/s, msgs/s, MiB/s) above 1 means
actorpc is faster; for latency, allocations and memory ("better: lower") below 1 means actorpc is
leaner. Raw TCP floor: the same sizes as length-prefixed messages on plain loopback TCP (64 in
flight = 64 connections, each with one goroutine; ping-pong rows reuse the unary floors). Spread:
(max-min)/median over the repetitions. Alloc figures count runtime.MemStats.Mallocs/TotalAlloc per
call; memory figures are HeapInuse and StackInuse growth after runtime.GC, divided by the count.`)
}

// printAligned prints cells as columns two spaces apart, right-aligned
// where right says so.
func printAligned(out io.Writer, cells [][]string, right []bool) {
	width := make([]int, len(right))
	for _, line := range cells {
		for i, c := range line {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, line := range cells {
		var b strings.Builder
		for i, c := range line {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(out, strings.TrimRight(b.String(), " "))
	}
}

// machine describes where the figures come from; cpuFlag is -cpu (0: not
// given).
func machine(cpuFlag int) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	grpcVersion := "?"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "google.golang.org/grpc" {
				grpcVersion = d.Version
			}
		}
	}
	procs := fmt.Sprint(runtime.GOMAXPROCS(0))
	if cpuFlag > 0 {
		procs += fmt.Sprintf(" (set by -cpu %d)", cpuFlag)
	}
	return fmt.Sprintf("actorpc vs grpc-go %s on %s/%s, %s, NumCPU %d, GOMAXPROCS %s, %s",
		grpcVersion, runtime.GOOS, runtime.GOARCH, cpu, runtime.NumCPU(), procs, runtime.Version())
}

// Number formats.

func withCommas(s string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

func fmtCount(v float64) string  { return withCommas(fmt.Sprintf("%.0f", v)) }
func fmtMiB(v float64) string    { return withCommas(fmt.Sprintf("%.1f", v)) }
func fmtMicros(v float64) string { return withCommas(fmt.Sprintf("%.1f", v)) + " µs" }
func fmtBytes(v float64) string  { return withCommas(fmt.Sprintf("%.0f", v)) + " B" }
func fmtAllocs(v float64) string { return fmt.Sprintf("%.1f", v) }
func fmtFrac(v float64) string   { return fmt.Sprintf("%.2f", v) }
