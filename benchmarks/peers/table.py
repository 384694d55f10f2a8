#!/usr/bin/env python3
"""Prints the peer-comparison tables from the outputs of run.sh.

    table.py peers.jsonl go.txt [more files...]
    table.py ising.txt

Files ending in .jsonl are peers.py output (JSON lines); any other file is
`go test -bench` output, which may also hold the C reference's lines
(ising_ref.c prints them in the same format, as BenchmarkC/...). The Ising
table is printed when the files hold Ising benchmarks: per workload the
minimum ns/flip of rgflow (one core) and of C, in flips/ns and ns/flip, and
their ratio. Every time is the minimum over all the rounds and
repeats found in the files. Python times are wall times (time.perf_counter);
the 1-thread runs were pinned to one core, so their CPU time should be the
same, and workloads where it is not (the core was shared) are listed below
the table. Go times are the benchmarks' ns/op (wall time per epoch or step).
"""

import json
import re
import sys

# Workload names as in peers.py and the Go benchmarks (without "Benchmark"
# and "/procs=N"), in table order, with a short description.
WORKLOADS = [
    ("CD1Epoch/Nh=64/N=25000", "CD-1 epoch, N_h = 64, 25 000 samples"),
    ("CD1Epoch/Nh=100/N=40000", "CD-1 epoch, N_h = 100, 40 000 samples"),
    ("CD1Epoch/Nh=400/N=40000", "CD-1 epoch, N_h = 400, 40 000 samples"),
    ("FlowStep/Nh=100/chains=1000", "one flow step, 1000 chains, N_h = 100"),
    ("ThermometerSGDEpoch/arch=reference/N=40000", "reference thermometer epoch, SGD, 40 000 samples"),
]

# The Ising table: (description, rgflow benchmark, C benchmark), names
# without "Benchmark" (the C ones without "BenchmarkC/"); None: no C row.
ISING = [
    ("256 replicas of L = 10, T_c: AVX-512VL form (Go assembly) / AVX2 intrinsics (gcc -march=native)",
     "MultiSpin/L=10/R=256/avx512", "MultiSpin/L=10/R=256/avx2"),
    ("256 replicas of L = 10, T_c: AVX2 (Go assembly) / AVX2 intrinsics", "MultiSpin/L=10/R=256/avx2",
     "MultiSpin/L=10/R=256/avx2"),
    ("256 replicas of L = 10, T_c: pure Go / plain C", "MultiSpin/L=10/R=256/go", "MultiSpin/L=10/R=256"),
    ("one L = 1024 lattice, T_c: AVX-512VL form / AVX2 intrinsics", "BigSpin/L=1024/avx512", "BigSpin/L=1024/avx2"),
    ("one L = 1024 lattice, T_c: AVX2 / AVX2 intrinsics", "BigSpin/L=1024/avx2", "BigSpin/L=1024/avx2"),
    ("one L = 1024 lattice, T_c: pure Go / plain C", "BigSpin/L=1024/go", "BigSpin/L=1024"),
    ("Wolff at T_c, L = 64, per flipped spin", "WolffTc/L=64", "Wolff/L=64"),
    ("Wolff at T_c, L = 256, per flipped spin", "WolffTc/L=256", "Wolff/L=256"),
    ("rgflow's heat bath (one int8 lattice), L = 10, T_c", "Sweep/heatbath/L=10", None),
    ("rgflow's heat bath (one int8 lattice), L = 1024, T_c", "Sweep/heatbath/L=1024", None),
]
ISING_LINE = re.compile(r"^Benchmark(C/)?(\S+?)(?:-\d+)?\s+(\d+)\s.*?([0-9.e+-]+) ns/flip")

GO_LINE = re.compile(r"^Benchmark(\S+)/procs=(\d+)(?:-\d+)?\s+(\d+)\s+([0-9.e+]+) ns/op")


def read(paths):
    py, go, meta = {}, {}, {}
    ising = {}  # ("go" or "c", name) -> minimum ns/flip
    for path in paths:
        with open(path) as f:
            if path.endswith(".jsonl"):
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    r = json.loads(line)
                    if r.get("meta"):
                        if "missing" in r:
                            meta["missing_" + r["missing"]] = r.get("error", "")
                        continue
                    key = (r["tool"], r["threads"], r["workload"])
                    rec = py.setdefault(key, {"wall": float("inf"), "cpu": float("inf"), "n": 0})
                    rec["wall"] = min(rec["wall"], r["wall_ms"])
                    rec["cpu"] = min(rec["cpu"], r["cpu_ms"])
                    rec["n"] += r["repeats"]
                    for k in ("version", "method", "dtype"):
                        if k in r:
                            meta[(r["tool"], k)] = r[k]
            else:
                for line in f:
                    mi = ISING_LINE.match(line)
                    if mi:
                        k = ("c" if mi.group(1) else "go", mi.group(2))
                        ising[k] = min(ising.get(k, float("inf")), float(mi.group(4)))
                    m = GO_LINE.match(line)
                    if not m:
                        continue
                    key = (m.group(1), int(m.group(2)))
                    ms = float(m.group(4)) / 1e6
                    rec = go.setdefault(key, {"ms": float("inf"), "n": 0})
                    rec["ms"] = min(rec["ms"], ms)
                    rec["n"] += 1
    return py, go, meta, ising


def fmt_rate(ns):
    """flips/ns and ns/flip of a time per flip."""
    if ns is None or ns == float("inf"):
        return "—", "—"
    r = 1 / ns
    return (f"{r:.3g}", f"{ns:.3g}")


def ising_table(ising):
    cols = ["workload", "rgflow flips/ns", "rgflow ns/flip", "C flips/ns", "C ns/flip", "rgflow / C (speed)"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for desc, gname, cname in ISING:
        g = ising.get(("go", gname))
        c = ising.get(("c", cname)) if cname else None
        gr, gn = fmt_rate(g)
        cr, cn = fmt_rate(c) if cname else ("", "")
        print("| " + " | ".join([desc, gr, gn, cr, cn, fmt_ratio(c, g) if cname else ""]) + " |")
    print()
    print("One core (taskset -c 0; GOMAXPROCS=1 for Go), wall time, minimum over all rounds and"
          " repeats; flips are attempted single-spin updates (flipped spins for Wolff); the"
          " ratio is C's ns/flip over rgflow's: above 1, rgflow is faster.")


def fmt_ms(ms):
    if ms is None or ms == float("inf"):
        return "—"
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:,.0f} ms".replace(",", " ")


def fmt_ratio(a, b):
    if a is None or b is None or a == float("inf") or b == float("inf"):
        return "—"
    r = a / b
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def main(paths):
    py, go, meta, ising = read(paths)
    if not py and not go:
        if ising:
            ising_table(ising)
        return

    def p(tool, threads, w, what="wall"):
        r = py.get((tool, threads, w))
        return r[what] if r else None

    def g(w, procs):
        r = go.get((w, procs))
        return r["ms"] if r else None

    have_numpy = any(k[0] == "numpy" for k in py)
    cols = ["workload", "PyTorch 1 thread", "PyTorch 2 threads", "scikit-learn 1 thread"]
    if have_numpy:
        cols.append("NumPy 1 thread")
    cols += ["rgflow 1 core", "rgflow 2 cores", "PyTorch / rgflow (1 core)",
             "scikit-learn / rgflow (1 core)", "PyTorch / rgflow (2)"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for w, desc in WORKLOADS:
        t1, t2, sk = p("pytorch", 1, w), p("pytorch", 2, w), p("sklearn", 1, w)
        g1, g2 = g(w, 1), g(w, 2)
        row = [desc, fmt_ms(t1), fmt_ms(t2), fmt_ms(sk)]
        if have_numpy:
            row.append(fmt_ms(p("numpy", 1, w)))
        row += [fmt_ms(g1), fmt_ms(g2), fmt_ratio(t1, g1), fmt_ratio(sk, g1), fmt_ratio(t2, g2)]
        print("| " + " | ".join(row) + " |")

    print()
    print("Wall time, minimum over all rounds and repeats; ratios > 1 mean rgflow is faster.")
    notes = []
    if "missing_pytorch" in meta:
        notes.append(f"PyTorch could not be imported ({meta['missing_pytorch']}).")
    for tool in ("pytorch", "sklearn", "numpy"):
        v = meta.get((tool, "version"))
        if v:
            notes.append(f"{tool} {v}")
    for w, _ in WORKLOADS:
        for tool in ("pytorch", "sklearn", "numpy"):
            r = py.get((tool, 1, w))
            if r and r["cpu"] < 0.9 * r["wall"]:
                notes.append(f"{tool} 1 thread, {w}: CPU {fmt_ms(r['cpu'])} < wall {fmt_ms(r['wall'])}"
                             " (the pinned core was shared)")
            if r and r["cpu"] > 1.1 * r["wall"]:
                notes.append(f"{tool} 1 thread, {w}: CPU {fmt_ms(r['cpu'])} > wall {fmt_ms(r['wall'])}"
                             " (more than one thread ran)")
    counts = sorted({r["n"] for r in py.values()} | {r["n"] for r in go.values()})
    notes.append("samples per cell: " + ", ".join(map(str, counts)))
    for n in notes:
        print(f"- {n}")
    if ising:
        print()
        ising_table(ising)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
