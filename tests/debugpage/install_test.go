package debugpage

import (
	"fmt"
	"os"
	"os/exec"
)

// ensureChromium installs Debian's chromium with apt-get when it is not
// at chromiumPath yet (a fresh machine), and says what to run when that
// fails (apt-get needs root).
func ensureChromium() error {
	if _, err := os.Stat(chromiumPath); err == nil {
		return nil
	}
	for _, args := range [][]string{{"update"}, {"install", "-y", "chromium"}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("installing chromium (apt-get %v): %w; run `apt-get install -y chromium` as root\n%s", args, err, out)
		}
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return fmt.Errorf("apt-get installed chromium, but %s is missing: %w", chromiumPath, err)
	}
	return nil
}
