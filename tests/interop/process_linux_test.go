package interop

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill cmd if the test process dies first
// (a panic, the go test timeout), so that no server outlives the run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
