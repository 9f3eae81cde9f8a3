#!/usr/bin/env python3
"""The polynomial behind softmax's exponential (VecMath.expRowPipelined): e^r on |r| <= ln2/2.

Run from the repository root (needs numpy and scipy; the constants it prints are pasted into VecMath):

    /work/venv/bin/python tools/exp_minimax.py [degree]

Form: e^r ~ 1 + r + Q2 r^2 + ... + Qd r^d, with the first two coefficients held at exactly 1 (so values near
r = 0 keep full precision). Q2..Qd minimize the largest relative error over 4001 Chebyshev points of a range
0.2% wider than [-ln2/2, ln2/2] (k = round(x log2 e) leaves |r| at most ln2/2, plus rounding), a linear
programme: minimize t subject to |(1 + r + sum Qk r^k) / e^r - 1| <= t at every point.

Degree 6 gives 5.3e-9 (0.09 of float's half-ulp, so the float evaluation's own rounding dominates); degree 5
gives 1.1e-7, about one ulp, too much. Cephes' expf (VecMath.exp) is degree 7.
"""

import sys

import numpy as np
from scipy.optimize import linprog

degree = int(sys.argv[1]) if len(sys.argv) > 1 else 6
half = np.log(2) / 2 * 1.002
r = np.cos(np.linspace(0, np.pi, 4001)) * half
e = np.exp(r)
powers = list(range(2, degree + 1))

# residual(c) = A c - b = (1 + r + sum c_k r^k - e^r) / e^r, linear in c
A = np.stack([r ** k / e for k in powers], 1)
b = (e - 1 - r) / e
n = len(powers)
ones = np.ones((len(r), 1))
A_ub = np.vstack([np.hstack([A, -ones]), np.hstack([-A, -ones])])
b_ub = np.concatenate([b, -b])
res = linprog(np.r_[np.zeros(n), 1], A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * n + [(0, None)], method="highs")
if res.status != 0:
    sys.exit("linprog failed: " + res.message)

c = res.x[:n]
poly = 1 + r + sum(ck * r ** k for k, ck in zip(powers, c))
print(f"degree {degree}: max relative error {np.max(np.abs(poly / e - 1)):.3g}")
for k, ck in zip(powers, c):
    print(f"Q{k} = {float(np.float32(ck))!r}f")
