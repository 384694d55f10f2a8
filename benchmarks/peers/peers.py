#!/usr/bin/env python3
"""The peer side of rgflow's speed comparison (see README.md).

Runs the workloads of rgflow's benchmarks/peers_test.go in PyTorch and
scikit-learn (and, on request or when PyTorch is missing, NumPy), in float32,
on the same shapes and the same kind of data (independent Bernoulli(1/2) 0/1
cells, the average density of zero-field Ising data), and prints one JSON
object per line:

    {"tool": "pytorch", "threads": 1, "workload": "CD1Epoch/Nh=64/N=25000",
     "cpu_ms": ..., "wall_ms": ..., "repeats": 3, ...}

cpu_ms is the minimum over the repeats of time.process_time() (CPU time of
all the process's threads), wall_ms the minimum of time.perf_counter()
(elapsed time); each workload runs once untimed first (warm-up). Workload
names are the Go benchmark names without "Benchmark" and without "/procs=N".

    /usr/bin/python3 peers.py --threads 1 --tools pytorch,sklearn --repeats 3
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings

NV = 100  # visible units (L = 10), as in the Go benchmarks
BATCH = 100
CD_CASES = [(64, 25000), (100, 40000), (400, 40000)]  # (Nh, samples)
FLOW_NH, FLOW_CHAINS = 100, 1000
FLOW_STEPS = 20  # steps per timed repeat of the flow step (ms/step is the mean)
THERMO_N, THERMO_HIDDEN, THERMO_CLASSES = 40000, (512, 256, 64), 25
SEED = 1


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads for PyTorch and the BLAS (default 1)")
    p.add_argument("--tools", default="pytorch,sklearn",
                   help="comma-separated: pytorch, sklearn, numpy (default pytorch,sklearn;"
                        " numpy is added if PyTorch cannot be imported)")
    p.add_argument("--repeats", type=int, default=3,
                   help="timed repeats per workload after one warm-up; the minimum is reported")
    p.add_argument("--only", default="",
                   help="run only the workloads whose name contains this string")
    return p.parse_args()


ARGS = parse_args()
# The BLAS and OpenMP thread pools read these when they load, so they are
# set before NumPy, scikit-learn or PyTorch is imported.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402


def emit(record):
    print(json.dumps(record), flush=True)


def measure(tool, workload, fn, extra=None, per_call=1):
    """Runs fn once untimed, then ARGS.repeats times, and emits the minima
    (divided by per_call: fn may run several operations)."""
    fn()
    cpu, wall = [], []
    for _ in range(ARGS.repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        c1, w1 = time.process_time(), time.perf_counter()
        cpu.append((c1 - c0) / per_call)
        wall.append((w1 - w0) / per_call)
    rec = {"tool": tool, "threads": ARGS.threads, "workload": workload,
           "cpu_ms": 1e3 * min(cpu), "wall_ms": 1e3 * min(wall),
           "cpu_ms_all": [1e3 * x for x in cpu], "wall_ms_all": [1e3 * x for x in wall],
           "repeats": ARGS.repeats}
    if callable(extra):  # evaluated after the timing, e.g. to read a fitted dtype
        extra = extra()
    if extra:
        rec.update(extra)
    emit(rec)


def binary(rows, cols, seed):
    """rows×cols float32 matrix of independent Bernoulli(1/2) 0/1 cells."""
    rng = np.random.default_rng(seed)
    return (rng.random((rows, cols)) < 0.5).astype(np.float32)


def wanted(name):
    return ARGS.only in name


def cd_name(nh, n):
    return f"CD1Epoch/Nh={nh}/N={n}"


FLOW_NAME = f"FlowStep/Nh={FLOW_NH}/chains={FLOW_CHAINS}"
THERMO_NAME = f"ThermometerSGDEpoch/arch=reference/N={THERMO_N}"


# ---------------------------------------------------------------- PyTorch

def run_pytorch():
    import torch
    torch.set_num_threads(ARGS.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(SEED)
    info = {"version": torch.__version__, "dtype": "float32"}

    def cd1_epoch(X, W, b, c, lr=0.01):
        # CD-1 as usually written in PyTorch: no autograd, torch matmuls,
        # p(h|v0) for the positive statistics, sampled h0 and v1,
        # probabilities p(h|v1) for the negative statistics.
        with torch.no_grad():
            n = X.shape[0]
            perm = torch.randperm(n)
            for i in range(0, n, BATCH):
                v0 = X[perm[i:i + BATCH]]
                ph0 = torch.sigmoid(v0 @ W + c)
                h0 = torch.bernoulli(ph0)
                v1 = torch.bernoulli(torch.sigmoid(h0 @ W.t() + b))
                ph1 = torch.sigmoid(v1 @ W + c)
                rows = v0.shape[0]
                W += (lr / rows) * (v0.t() @ ph0 - v1.t() @ ph1)
                b += lr * (v0 - v1).mean(0)
                c += lr * (ph0 - ph1).mean(0)

    for nh, n in CD_CASES:
        name = cd_name(nh, n)
        if not wanted(name):
            continue
        X = torch.from_numpy(binary(n, NV, SEED))
        W = 0.1 * torch.randn(NV, nh)
        b = torch.zeros(NV)
        c = torch.zeros(nh)
        measure("pytorch", name, lambda: cd1_epoch(X, W, b, c), info)

    if wanted(FLOW_NAME):
        v = torch.from_numpy(binary(FLOW_CHAINS, NV, SEED))
        W = 0.1 * torch.randn(NV, FLOW_NH)
        b = torch.zeros(NV)
        c = torch.zeros(FLOW_NH)
        state = {"v": v}

        def steps():
            with torch.no_grad():
                for _ in range(FLOW_STEPS):
                    h = torch.bernoulli(torch.sigmoid(state["v"] @ W + c))
                    state["v"] = torch.bernoulli(torch.sigmoid(h @ W.t() + b))

        measure("pytorch", FLOW_NAME, steps, dict(info, steps_per_repeat=FLOW_STEPS), FLOW_STEPS)

    if wanted(THERMO_NAME):
        X = torch.from_numpy(binary(THERMO_N, NV, SEED))
        y = torch.from_numpy(np.random.default_rng(SEED + 1).integers(
            0, THERMO_CLASSES, THERMO_N)).long()
        widths = (NV,) + THERMO_HIDDEN
        layers = []
        for a, o in zip(widths[:-1], widths[1:]):
            layers += [torch.nn.Linear(a, o), torch.nn.Tanh()]
        layers.append(torch.nn.Linear(widths[-1], THERMO_CLASSES))
        net = torch.nn.Sequential(*layers)
        loss_fn = torch.nn.CrossEntropyLoss()
        opt = torch.optim.SGD(net.parameters(), lr=0.1)

        def epoch():
            perm = torch.randperm(THERMO_N)
            for i in range(0, THERMO_N, BATCH):
                idx = perm[i:i + BATCH]
                loss = loss_fn(net(X[idx]), y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()

        measure("pytorch", THERMO_NAME, epoch, info)


# ---------------------------------------------------------------- scikit-learn

def run_sklearn():
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import BernoulliRBM, MLPClassifier
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    info = {"version": sklearn.__version__}

    for nh, n in CD_CASES:
        name = cd_name(nh, n)
        if not wanted(name):
            continue
        X = binary(n, NV, SEED)
        # BernoulliRBM.fit is PCD-1 (persistent chains), not CD-1; one
        # epoch with n_iter=1. fit starts from fresh weights every call.
        rbm = BernoulliRBM(n_components=nh, batch_size=BATCH, n_iter=1,
                           learning_rate=0.01, random_state=SEED)
        measure("sklearn", name, lambda: rbm.fit(X),
                lambda: dict(info, method="BernoulliRBM (PCD-1)", dtype=str(rbm.components_.dtype)))

    if wanted(FLOW_NAME):
        rbm = BernoulliRBM(n_components=FLOW_NH, batch_size=BATCH, n_iter=1,
                           learning_rate=0.01, random_state=SEED)
        rbm.fit(binary(BATCH, NV, SEED + 2))  # initialises the parameters
        state = {"v": binary(FLOW_CHAINS, NV, SEED)}

        def steps():
            for _ in range(FLOW_STEPS):
                state["v"] = rbm.gibbs(state["v"])

        measure("sklearn", FLOW_NAME, steps,
                dict(info, method="BernoulliRBM.gibbs", steps_per_repeat=FLOW_STEPS,
                     dtype=str(rbm.components_.dtype)), FLOW_STEPS)

    if wanted(THERMO_NAME):
        X = binary(THERMO_N, NV, SEED)
        y = np.random.default_rng(SEED + 1).integers(0, THERMO_CLASSES, THERMO_N)
        # alpha=0: no L2 penalty, as in the PyTorch and rgflow runs.
        mlp = MLPClassifier(hidden_layer_sizes=THERMO_HIDDEN, activation="tanh",
                            solver="sgd", learning_rate_init=0.1, batch_size=BATCH,
                            max_iter=1, momentum=0, alpha=0.0, random_state=SEED)
        measure("sklearn", THERMO_NAME, lambda: mlp.fit(X, y),
                lambda: dict(info, method="MLPClassifier (sgd)", dtype=str(mlp.coefs_[0].dtype)))


# ---------------------------------------------------------------- NumPy

def run_numpy():
    rng = np.random.default_rng(SEED)
    info = {"version": np.__version__, "dtype": "float32"}

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def bernoulli(p):
        return (rng.random(p.shape, dtype=np.float32) < p).astype(np.float32)

    def cd1_epoch(X, W, b, c, lr=np.float32(0.01)):
        n = X.shape[0]
        perm = rng.permutation(n)
        for i in range(0, n, BATCH):
            v0 = X[perm[i:i + BATCH]]
            ph0 = sigmoid(v0 @ W + c)
            v1 = bernoulli(sigmoid(bernoulli(ph0) @ W.T + b))
            ph1 = sigmoid(v1 @ W + c)
            rows = v0.shape[0]
            W += (lr / rows) * (v0.T @ ph0 - v1.T @ ph1)
            b += lr * (v0 - v1).mean(0)
            c += lr * (ph0 - ph1).mean(0)

    for nh, n in CD_CASES:
        name = cd_name(nh, n)
        if not wanted(name):
            continue
        X = binary(n, NV, SEED)
        W = (0.1 * rng.standard_normal((NV, nh))).astype(np.float32)
        b = np.zeros(NV, np.float32)
        c = np.zeros(nh, np.float32)
        measure("numpy", name, lambda: cd1_epoch(X, W, b, c), info)

    if wanted(FLOW_NAME):
        W = (0.1 * rng.standard_normal((NV, FLOW_NH))).astype(np.float32)
        b = np.zeros(NV, np.float32)
        c = np.zeros(FLOW_NH, np.float32)
        state = {"v": binary(FLOW_CHAINS, NV, SEED)}

        def steps():
            for _ in range(FLOW_STEPS):
                h = bernoulli(sigmoid(state["v"] @ W + c))
                state["v"] = bernoulli(sigmoid(h @ W.T + b))

        measure("numpy", FLOW_NAME, steps, dict(info, steps_per_repeat=FLOW_STEPS), FLOW_STEPS)


def main():
    tools = [t.strip() for t in ARGS.tools.split(",") if t.strip()]
    emit({"meta": True, "threads": ARGS.threads, "python": platform.python_version(),
          "numpy": np.__version__, "machine": platform.machine()})
    if "pytorch" in tools:
        try:
            import torch  # noqa: F401
        except ImportError as e:
            print(f"peers.py: PyTorch not available ({e}); running the NumPy workloads instead",
                  file=sys.stderr)
            tools.remove("pytorch")
            emit({"meta": True, "missing": "pytorch", "error": str(e)})
            if "numpy" not in tools:
                tools.append("numpy")
    runners = {"pytorch": run_pytorch, "sklearn": run_sklearn, "numpy": run_numpy}
    for t in tools:
        if t not in runners:
            sys.exit(f"peers.py: unknown tool {t!r} (want pytorch, sklearn or numpy)")
        runners[t]()


if __name__ == "__main__":
    main()
