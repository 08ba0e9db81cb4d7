package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// profile runs the chosen workload again in a child process with nothing
// else in it, so that the profiles hold that stack only: once for a CPU
// profile of the measured window, and once more, separately (the sampling
// of allocations costs CPU), for the allocation profile of the whole child
// (warm-up and window; setup is a rounding error beside them).
func profile(o options, log io.Writer) error {
	if o.cpuprofile != "" {
		if err := profileOnce(o, log, "-cpuprofile", o.cpuprofile); err != nil {
			return err
		}
	}
	if o.memprofile != "" {
		return profileOnce(o, log, "-memprofile", o.memprofile, "-memprofilerate", fmt.Sprint(o.memProfileRate))
	}
	return nil
}

func profileOnce(o options, log io.Writer, extra ...string) error {
	args := append([]string{
		"-profchild", o.profile, "-profile-stack", o.profileStack,
		"-d", o.d.String(), "-warmup", o.warm.String(),
	}, extra...)
	c, err := spawn(args...)
	if err != nil {
		return err
	}
	line, err := c.expect("PROFILED")
	if werr := c.finish(); err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "profiled %s on %s (%s): %s\n", o.profile, o.profileStack, strings.Join(extra, " "), line)
	return nil
}

func profChild(o options) error {
	if o.memprofile != "" {
		runtime.MemProfileRate = o.memProfileRate
	}
	w, err := findWorkload(o.profchild)
	if err != nil {
		return err
	}
	st, err := stacks.ByName(o.profileStack)
	if err != nil {
		return err
	}
	t := timing{warm: o.warm, d: o.d}
	var profErr error
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		t.onStart = func() { profErr = pprof.StartCPUProfile(f) }
		t.onStop = pprof.StopCPUProfile
	}
	r, err := w.run(st, t)
	if err != nil {
		return err
	}
	if profErr != nil {
		return profErr
	}
	if o.memprofile != "" {
		f, err := os.Create(o.memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	fmt.Println("PROFILED", summary(w, r))
	return nil
}
