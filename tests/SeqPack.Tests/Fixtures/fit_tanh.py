"""Fits the small-argument tanh polynomial used by src/SeqPack/Kernels/FastActivations.cs.

tanh(x) ~= x + x^3 * P(x^2) on [0, 0.625], P of degree 5, minimising the maximum relative error by
Lawson-style iteratively reweighted least squares on Chebyshev points. Prints the approximation error,
the error of the float32 Horner evaluation, and the coefficients rounded to float32.
Run: /usr/bin/python3 tests/SeqPack.Tests/Fixtures/fit_tanh.py
"""
import numpy as np

T, DEG = 0.625, 5
xs = np.cos(np.linspace(0, np.pi, 4000)) * T / 2 + T / 2
xs = xs[xs > 1e-4]
s = xs ** 2
target = (np.tanh(xs) - xs) / xs ** 3
w = np.ones_like(xs)
V = np.vander(s, DEG + 1, increasing=True)
for _ in range(30):
    ww = w * xs ** 3 / np.tanh(xs)          # relative error of tanh = x^3 (P - target) / tanh(x)
    c, *_ = np.linalg.lstsq(V * ww[:, None], target * ww, rcond=None)
    err = np.abs((V @ c - target) * xs ** 3 / np.tanh(xs))
    w = w * (err / err.max()) ** 0.3 + 1e-12

cf = c.astype(np.float32)
xf = np.linspace(0, T, 200001).astype(np.float32)[1:]
sf = xf * xf
p = np.full_like(xf, cf[-1])
for ci in cf[-2::-1]:
    p = (p * sf + ci).astype(np.float32)
y = (xf + xf * sf * p).astype(np.float32)
rel = np.abs(y - np.tanh(xf.astype(np.float64))) / np.tanh(xf.astype(np.float64))
print("approximation error", err.max(), "float32 evaluation error", rel.max())
print("coefficients T0..T5:", ", ".join(f"{v:.9g}f" for v in cf))
