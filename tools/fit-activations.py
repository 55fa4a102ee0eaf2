#!/usr/bin/env python3
"""Fits the polynomial and rational coefficients of assembly/activation.ts (numpy, scipy).

exp(r) = 1 + r + r^2 q(r) on [-ln2/2, ln2/2], q of degree 3, in relative error; erf(x / sqrt 2) =
x P(x^2) / Q(x^2) on [0, 5.2], P of degree 4, Q of degree 3 with Q(0) = 1, in absolute error.
Linearised least squares (Sanathanan-Koerner for the rational one), then Lawson reweighting
toward minimax; prints the coefficients rounded to float32 and the error of a float32
evaluation in Horner's order, as the kernels evaluate them.

    python3 tools/fit-activations.py
"""
import numpy as np
from scipy.special import erf


def lawson(A, f, weight, iters=40, start=0):
    lw = np.ones(len(f))
    for it in range(iters):
        W = (lw * weight)[:, None]
        c, *_ = np.linalg.lstsq(A * W, f * W[:, 0], rcond=None)
        if it >= start:
            e = (A @ c - f) * weight
            lw = lw * (np.abs(e) + 1e-30) ** 0.5
            lw /= lw.mean()
    return c


def horner(coefs, t):
    acc = np.zeros_like(t)
    for c in coefs[::-1]:
        acc = acc * t + c
    return acc


def fit_exp():
    h = np.log(2) / 2
    r = np.linspace(-h, h, 20001)
    f = np.exp(r)
    A = np.stack([r ** (2 + i) for i in range(4)], 1)
    c = lawson(A, f - 1 - r, 1 / f).astype(np.float32)
    rs = r.astype(np.float32)
    p = np.float32(1) + rs + rs * rs * horner(c, rs)
    err = np.max(np.abs(p / np.exp(rs.astype(np.float64)) - 1))
    print('exp  e2..e5:', ', '.join('%.10e' % v for v in c), ' max relative error %.2e' % err)


def fit_erf(X=5.2, n_p=4, n_q=3):
    x = np.linspace(1e-6, X, 20001)
    t = x * x
    f = erf(x / np.sqrt(2))
    q = np.ones_like(x)
    lw = np.ones_like(x)
    for it in range(60):
        A = np.hstack([np.stack([x * t ** i for i in range(n_p + 1)], 1),
                       np.stack([-f * t ** j for j in range(1, n_q + 1)], 1)])
        W = (lw / q)[:, None]
        c, *_ = np.linalg.lstsq(A * W, f * W[:, 0], rcond=None)
        p, qq = c[:n_p + 1], np.concatenate([[1.0], c[n_p + 1:]])
        q = horner(qq, t)
        if it >= 20:
            e = x * horner(p, t) / q - f
            lw = lw * (np.abs(e) + 1e-30) ** 0.5
            lw /= lw.mean()
    p32, q32 = p.astype(np.float32), qq.astype(np.float32)
    xs = np.linspace(0, X, 200001).astype(np.float32)
    ts = xs * xs
    err = np.max(np.abs(xs * horner(p32, ts) / horner(q32, ts) - erf(xs.astype(np.float64) / np.sqrt(2))))
    print('erf  P:', ', '.join('%.10e' % v for v in p32))
    print('     Q:', ', '.join('%.10e' % v for v in q32[1:]), ' max absolute error %.2e' % err,
          ' 1 - erf(X / sqrt 2) = %.1e' % (1 - erf(X / np.sqrt(2))))


if __name__ == '__main__':
    fit_exp()
    fit_erf()
