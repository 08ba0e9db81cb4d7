package interop

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
)

// results are the outcomes of the matrix: by case, then by column (a
// direction and a security).
type results struct {
	mu       sync.Mutex
	columns  []string
	outcomes map[string]map[string]string
}

func newResults() *results {
	return &results{outcomes: make(map[string]map[string]string)}
}

func (r *results) record(testCase, column string, passed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !containsString(r.columns, column) {
		r.columns = append(r.columns, column)
	}
	if r.outcomes[testCase] == nil {
		r.outcomes[testCase] = make(map[string]string)
	}
	r.outcomes[testCase][column] = map[bool]string{true: "PASS", false: "FAIL"}[passed]
}

// table formats the outcomes, one row per case in the order of cases, one
// column per direction and security; "-" is a case that did not run.
func (r *results) table(cases []string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "case\t%s\n", strings.Join(r.columns, "\t"))
	for _, c := range cases {
		row := []string{c}
		for _, col := range r.columns {
			outcome, ok := r.outcomes[c][col]
			if !ok {
				outcome = "-"
			}
			row = append(row, outcome)
		}
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	w.Flush()
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// reportEnv names a file to write the matrix table to: go test shows no
// output of a passing package, so CI prints the file instead.
const reportEnv = "ACTORPC_INTEROP_REPORT"

func writeReport(t interface{ Errorf(string, ...any) }, table string) {
	path := os.Getenv(reportEnv)
	if path == "" {
		return
	}
	if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
		t.Errorf("writing the interop report to %s: %v", path, err)
	}
}
