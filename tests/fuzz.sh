#!/usr/bin/env bash
# Runs every fuzz target of the library module for a while each:
#
#   tests/fuzz.sh                 # CI: 5s each (all targets in about 2 minutes)
#   tests/fuzz.sh 10m             # a long run, 10 minutes each
#   FUZZ_LOGDIR=/tmp/fuzzlong FUZZ_PARALLEL=1 tests/fuzz.sh 10m
#
# Targets are found, not listed: `go test -list '^Fuzz'` over the module, so
# a new FuzzX anywhere joins without touching this script. `go test -fuzz`
# takes one target of one package per invocation, hence the loop (a Go test
# that ran the others would have to exec `go test` from inside `go test`).
# The seeds (f.Add and testdata/fuzz/FuzzX/) already run in the plain
# `go test -race ./...`; this mutates beyond them. A failing input is
# written to the package's testdata/fuzz/FuzzX/ by go test, to be committed
# as a regression seed once fixed.
#
# FUZZ_ONLY=regexp restricts the run to matching target names;
# FUZZ_PARALLEL sets the fuzzing workers (default: GOMAXPROCS);
# FUZZ_LOGDIR keeps one log per target there instead of printing it;
# FUZZ_MINIMIZETIME bounds the minimizing of each new input (default 5s:
# go's default of 60s stalls a target whose inputs cost a millisecond, the
# connection ones, for a minute at each new coverage).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-5s}"
parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then parallel=(-parallel "$FUZZ_PARALLEL"); fi
if [[ -n "${FUZZ_LOGDIR:-}" ]]; then mkdir -p "$FUZZ_LOGDIR"; fi

# "pkg target" lines. go test -list prints a package's names, then its
# "ok  <pkg>" line.
targets="$(go test -list '^Fuzz' ./... | awk '
	/^Fuzz/ { names[n++] = $1; next }
	/^ok/ { for (i = 0; i < n; i++) print $2, names[i]; n = 0 }')"
if [[ -n "${FUZZ_ONLY:-}" ]]; then
	targets="$(grep -E " (${FUZZ_ONLY})\$" <<<"$targets" || true)"
fi
if [[ -z "$targets" ]]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

# spurious reports whether a failed run is Go's fuzzing coordinator
# racing its own -fuzztime deadline (go.dev/issue/75804, fixed in Go 1.27,
# present in the 1.26 we run): "context deadline exceeded" at the end,
# and no failing input written. Every real finding writes its input.
spurious() {
	grep -q 'context deadline exceeded' "$1" && ! grep -q 'Failing input written' "$1"
}

failed=()
while read -r pkg name; do
	echo "== $pkg $name ($fuzztime) $(date -u +%H:%M:%S)"
	cmd=(go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime="${FUZZ_MINIMIZETIME:-5s}" "${parallel[@]}" "$pkg")
	log="$(mktemp)"
	if [[ -n "${FUZZ_LOGDIR:-}" ]]; then
		log="$FUZZ_LOGDIR/${pkg##*/}.${name}.log"
	fi
	echo "$ ${cmd[*]}" >"$log"
	if "${cmd[@]}" >>"$log" 2>&1; then
		:
	elif spurious "$log"; then
		echo "(go.dev/issue/75804: the fuzzing coordinator raced its own deadline; no input failed)"
	else
		failed+=("$pkg $name${FUZZ_LOGDIR:+ (see $log)}")
	fi
	grep -v '^fuzz: elapsed' "$log" | tail -n 20
	if [[ -z "${FUZZ_LOGDIR:-}" ]]; then rm -f "$log"; fi
done <<<"$targets"

if ((${#failed[@]})); then
	printf 'fuzz.sh: FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz.sh: all $(wc -l <<<"$targets") targets passed"
