"""Derive the Chebyshev coefficients of erfc that tinygrad_acts/activations.py uses (_ERFC_CHEBYSHEV).

For z >= 0 write  erfc(z) = t * exp(-z^2 + P(u)),  t = 2 / (2 + z),  u = 2t - 1 in (-1, 1].
P(u) = log(erfc(z) / t) + z^2 is smooth on [-1, 1] (it tends to -log(2 sqrt(pi)) as z -> inf), so its Chebyshev
series converges fast: we interpolate P at 64 Chebyshev nodes in 60-digit arithmetic and keep the terms above
1e-17 (28 of them). The same construction as Numerical Recipes' (3rd ed., 6.2.2) erfccheb.

Needs mpmath, which is not a dependency of tinygrad_acts: run it in any environment that has it,
    python -m pip install mpmath && python tests/reference/make_erfc_coefficients.py
and paste the printed tuple into activations.py. tests/engine/test_special.py checks the result against math.erfc.
"""
import mpmath as mp

mp.mp.dps = 60
NODES = 64
KEEP = 28


def p(u):
    t = (1 + u) / 2
    z = 2 / t - 2
    return mp.log(mp.erfc(z) / t) + z * z


nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / NODES) for k in range(NODES)]
values = [p(u) for u in nodes]
coefficients = []
for j in range(NODES):
    total = mp.fsum(values[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / NODES) for k in range(NODES))
    coefficients.append((2 if j else 1) * total / NODES)
assert all(abs(c) < 1e-17 for c in coefficients[KEEP:]), "the dropped terms are not negligible"
print("_ERFC_CHEBYSHEV = (")
for start in range(0, KEEP, 4):
    print("    " + " ".join(f"{float(c)!r}," for c in coefficients[start:start + 4]))
print(")")
