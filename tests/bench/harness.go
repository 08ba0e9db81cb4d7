package main

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// timing is how long a workload warms up and is then measured, and what to
// do when the measured window opens and closes (the CPU profile).
type timing struct {
	warm, d time.Duration
	onStart func()
	onStop  func()
}

// result is one measured run of one workload on one stack.
type result struct {
	ops      int64         // operations completed in the window
	bytes    int64         // payload bytes they carried (one way)
	elapsed  time.Duration // the window
	p50, p99 time.Duration // latency of one operation (when recorded)
}

func (r result) opsPerSec() float64 { return float64(r.ops) / r.elapsed.Seconds() }
func (r result) mibPerSec() float64 {
	return float64(r.bytes) / (1 << 20) / r.elapsed.Seconds()
}

const (
	phaseWarm int32 = iota
	phaseMeasure
	phaseStop
)

// stopLimit bounds how long the workers may take to finish the operation
// they are in once the window closed; abort is then called (it cancels
// their calls) and the run fails.
const stopLimit = 30 * time.Second

type worker struct {
	ops, bytes int64
	lat        []time.Duration
	err        error
	_          [64]byte // keep workers off each other's cache lines
}

// drive runs op on n goroutines (op gets the worker's index) back to back
// for t.warm, then counts the operations that complete during t.d (or
// until the first one does, if that is longer). op
// returns the payload bytes it moved. With latency, each operation's time
// is recorded for the percentiles.
func drive(n int, t timing, latency bool, abort func(), op func(w int) (int, error)) (result, error) {
	var phase atomic.Int32
	var measured atomic.Int64 // operations completed in the window, so far
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range n {
		w := &worker{}
		if latency {
			w.lat = make([]time.Duration, 0, 1<<14)
		}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for phase.Load() != phaseStop {
				t0 := time.Now()
				b, err := op(i)
				if err != nil {
					if phase.Swap(phaseStop) != phaseStop {
						w.err = fmt.Errorf("worker %d: %w", i, err)
					}
					return
				}
				if phase.Load() == phaseMeasure {
					measured.Add(1)
					w.ops++
					w.bytes += int64(b)
					if latency {
						w.lat = append(w.lat, time.Since(t0))
					}
				}
			}
		}()
	}
	failed := func() bool { return phase.Load() == phaseStop }
	sleepUnless(t.warm, failed)
	start := time.Now()
	phase.CompareAndSwap(phaseWarm, phaseMeasure)
	if t.onStart != nil {
		t.onStart()
	}
	sleepUnless(t.d, failed)
	// A window too short for even one operation (a slow machine, -race)
	// is stretched until one completes.
	for measured.Load() == 0 && !failed() && time.Since(start) < stopLimit {
		time.Sleep(time.Millisecond)
	}
	phase.Store(phaseStop)
	elapsed := time.Since(start)
	if t.onStop != nil {
		t.onStop()
	}
	stopped := make(chan struct{})
	go func() {
		wg.Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(stopLimit):
		abort()
		<-stopped
		return result{}, fmt.Errorf("workers still busy %v after the window closed", stopLimit)
	}
	var errs []error
	r := result{elapsed: elapsed}
	var lat []time.Duration
	for _, w := range workers {
		if w.err != nil {
			errs = append(errs, w.err)
		}
		r.ops += w.ops
		r.bytes += w.bytes
		lat = append(lat, w.lat...)
	}
	if err := errors.Join(errs...); err != nil {
		return r, err
	}
	if r.ops == 0 {
		return r, fmt.Errorf("no operation completed in %v", elapsed)
	}
	if latency {
		slices.Sort(lat)
		r.p50 = percentile(lat, 0.50)
		r.p99 = percentile(lat, 0.99)
	}
	return r, nil
}

// sleepUnless sleeps d, or less once stop reports true.
func sleepUnless(d time.Duration, stop func() bool) {
	deadline := time.Now().Add(d)
	for !stop() {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		time.Sleep(min(left, 10*time.Millisecond))
	}
}

// percentile of sorted samples (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// median of values (the mean of the middle two for an even count).
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
