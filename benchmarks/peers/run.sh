#!/usr/bin/env bash
# The peer comparison of benchmarks/peers/README.md: the same workloads in
# PyTorch, scikit-learn and NumPy (peers.py) and in rgflow (the Go benchmarks
# of benchmarks/peers_test.go), and the Ising samplers in C (ising_ref.c,
# built with gcc) and in rgflow (the Go benchmarks of ising/), interleaved
# over ROUNDS rounds, then Markdown tables of the minimum times and their
# ratios (table.py).
#
#   benchmarks/peers/run.sh            # 3 rounds
#   ROUNDS=5 REPEATS=2 benchmarks/peers/run.sh
#   PART=ising benchmarks/peers/run.sh # only the Ising table (no Python)
#
# Environment: ROUNDS (default 3), REPEATS per round and tool (default 1),
# PYTHON (default /usr/bin/python3, Debian's, which has python3-torch),
# OUT (directory for the raw outputs; default a new temporary directory),
# REV (a commit: benchmark rgflow as of that commit, extracted with git archive
# into OUT/src, instead of the working tree with whatever edits it holds),
# PART (all, ml or ising; default all), ISING_SECS (seconds per timed C
# repeat, default 1; the Go Ising benchmarks run for -test.benchtime 1s),
# CC (default gcc).
# Not run in CI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench_dir=$(dirname "$here")
ROUNDS=${ROUNDS:-3}
REPEATS=${REPEATS:-1}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=${OUT:-$(mktemp -d /tmp/rgflow-peers.XXXXXX)}
REV=${REV:-}
PART=${PART:-all}
ISING_SECS=${ISING_SECS:-1}
CC=${CC:-gcc}
mkdir -p "$OUT"
case "$PART" in all | ml | ising) ;; *) echo "run.sh: PART must be all, ml or ising" >&2; exit 1 ;; esac
ml() { [ "$PART" != ising ]; }
ising() { [ "$PART" != ml ]; }
flow_steps=20 # steps per timed Go run of the flow step, as FLOW_STEPS in peers.py

for cmd in taskset go "$PYTHON"; do
  command -v "$cmd" >/dev/null || { echo "run.sh: $cmd not found" >&2; exit 1; }
done
if ml; then
  "$PYTHON" -c 'import numpy, sklearn' 2>/dev/null || {
    echo "run.sh: $PYTHON lacks numpy or sklearn; see README.md for the install command" >&2; exit 1; }
fi
if ising; then
  command -v "$CC" >/dev/null || { echo "run.sh: $CC not found (PART=ml skips the Ising table)" >&2; exit 1; }
fi

echo "run.sh: raw outputs in $OUT" >&2
if [ -n "$REV" ]; then
  rm -rf "$OUT/src"
  mkdir -p "$OUT/src"
  top=$(git -C "$here" rev-parse --show-toplevel)
  git -C "$top" archive "$REV" | tar -x -C "$OUT/src"
  bench_dir="$OUT/src/benchmarks"
  [ -f "$bench_dir/peers_test.go" ] || {
    echo "run.sh: $REV has no benchmarks/peers_test.go" >&2; exit 1; }
  commit="$(git -C "$top" rev-parse --short "$REV") (REV=$REV, from git archive)"
else
  commit="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [ -z "$(git -C "$here" status --porcelain 2>/dev/null)" ] ||
    commit="$commit + uncommitted changes in the working tree"
fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "rgflow: $commit"
  echo "go: $(go version)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
  for p in python3-torch python3-sklearn python3-numpy; do
    echo "$p: $(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || echo 'not installed (dpkg)')"
  done
  ising && echo "cc: $("$CC" --version | head -1) -O3 -march=native"
} >"$OUT/env.txt"

# One test binary (and one C binary) for all rounds, so no compilation runs
# beside a measurement.
ml && (cd "$bench_dir" && go test -c -o "$OUT/benchmarks.test" .)
if ising; then
  (cd "$(dirname "$bench_dir")/ising" && go test -c -o "$OUT/ising.test" .)
  "$CC" -O3 -march=native -o "$OUT/ising_ref" "$here/ising_ref.c" -lm
fi

# ising_go REGEXP runs Go Ising benchmarks on core 0 with GOMAXPROCS=1 and
# appends the output to ising.txt; ising_c runs the C reference the same way.
ising_go() {
  (cd "$(dirname "$bench_dir")/ising" && taskset -c 0 env GOMAXPROCS=1 "$OUT/ising.test" -test.run '^$' \
    -test.bench "$1" -test.benchtime 1s -test.count "$REPEATS") >>"$OUT/ising.txt"
}
ising_c() {
  taskset -c 0 "$OUT/ising_ref" "$ISING_SECS" "$REPEATS" >>"$OUT/ising.txt" 2>>"$OUT/ising_check.txt"
}

# go_bench PROCS BENCHTIME TOP-LEVEL-REGEXP [launcher...] runs the procs=PROCS
# sub-benchmarks (every benchmark here has four name levels:
# Benchmark…/size/size/procs=N) and appends the output to go.txt.
go_bench() {
  local procs=$1 benchtime=$2 top=$3
  shift 3
  (cd "$bench_dir" && "$@" "$OUT/benchmarks.test" -test.run '^$' \
    -test.bench "^($top)\$///^procs=$procs\$" \
    -test.benchtime "$benchtime" -test.count "$REPEATS") >>"$OUT/go.txt"
}

: >"$OUT/peers.jsonl"
: >"$OUT/go.txt"
: >"$OUT/ising.txt"
: >"$OUT/ising_check.txt"
for r in $(seq "$ROUNDS"); do
  echo "run.sh: round $r/$ROUNDS, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/env.txt"
  if ising; then
    # The Ising samplers, all on core 0, one core: C, then Go.
    ising_c
    ising_go '^BenchmarkMultiSpin$/^L=10$/^R=256$'
    ising_go '^BenchmarkBigSpin$/^L=1024$'
    ising_go '^BenchmarkWolffTc$'
    ising_go '^BenchmarkSweep$/^heatbath$/^L=(10|1024)$'
  fi
  ml || continue
  # 1 thread: everything pinned to core 0.
  taskset -c 0 "$PYTHON" "$here/peers.py" --threads 1 --tools pytorch,sklearn,numpy \
    --repeats "$REPEATS" >>"$OUT/peers.jsonl"
  go_bench 1 1x 'BenchmarkCD1Epoch|BenchmarkThermometerSGDEpoch' taskset -c 0 env GOMAXPROCS=1
  go_bench 1 "${flow_steps}x" 'BenchmarkFlowStep' taskset -c 0 env GOMAXPROCS=1
  # 2 threads / 2 cores, unpinned.
  "$PYTHON" "$here/peers.py" --threads 2 --tools pytorch \
    --repeats "$REPEATS" >>"$OUT/peers.jsonl"
  go_bench 2 1x 'BenchmarkCD1Epoch|BenchmarkThermometerSGDEpoch' env
  go_bench 2 "${flow_steps}x" 'BenchmarkFlowStep' env
done

echo
sed 's/^/    /' "$OUT/env.txt" | grep -v '^    round'
echo
if ml; then
  "$PYTHON" "$here/table.py" "$OUT/peers.jsonl" "$OUT/go.txt" | tee "$OUT/table.md"
  echo
fi
if ising; then
  "$PYTHON" "$here/table.py" "$OUT/ising.txt" | tee "$OUT/ising.md"
  # ising_ref's start-up checks: AVX2 against plain C bit for bit, and the
  # energies per spin after the timed sweeps (those of the last round).
  if grep -q DIFFER "$OUT/ising_check.txt"; then
    grep DIFFER "$OUT/ising_check.txt" | sort -u
  else
    echo "ising_ref: the AVX2 and plain C kernels agreed bit for bit in every round"
  fi
  tail -n 5 "$OUT/ising_check.txt" | sed 's/^/    /'
fi
