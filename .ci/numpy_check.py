"""Open every file rgflow's example programs write with NumPy and check
shapes, dtypes and metadata. Usage: numpy_check.py DATASET_DIR PAPER_DIR L N_PER_T NH"""
import json
import sys

import numpy as np

ds, paper, L, n, nh = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
N = 25 * n

c = np.load(ds + "/configs.npy")
t = np.load(ds + "/temperatures.npy")
meta = json.load(open(ds + "/meta.json"))
assert c.shape == (N, L * L) and c.dtype == np.uint8, (c.shape, c.dtype)
assert set(np.unique(c)) <= {0, 1}
assert t.shape == (N,) and t.dtype == np.float64 and t[0] == 0 and t[-1] == 6
assert meta["L"] == L, meta

r = np.load(paper + "/rbm.npz")
assert r["W"].shape == (L * L, nh) and np.isfinite(r["W"]).all()
assert (r["vbias"] == 0).all() and (r["hbias"] == 0).all()  # the bias-free RBM
rm = json.loads(bytes(r["meta"]).decode())
assert rm["nv"] == L * L and rm["nh"] == nh, rm

th = np.load(paper + "/thermometer.npz")
grid = th["grid"]
assert grid.shape == (25,) and grid[0] == 0 and grid[-1] == 6
assert th["W0"].shape[0] == L * L

f = np.load(paper + "/flows.npz")
for k in ("T0_first", "T0_last", "Tinf_first", "Tinf_last"):
    assert f[k].shape[1] == L * L and set(np.unique(f[k])) <= {0, 1}, k
assert (f["T0_first"] == 1).all()

s = json.load(open(paper + "/summary.json"))
assert len(s["flows"]) == 2 and s["data"]["L"] == L
print("numpy check passed: configs", c.shape, "rbm W", r["W"].shape, "flows", f["T0_last"].shape)
