"""Independent NumPy labels for the real derivations of tests/data/real/ (no code of `verify`).

Each derivation is a function returning a :class:`Derivation`: how to draw a random point (the
source's symbols at small sizes) and, for each chain, its expressions in order, each a NumPy
function of the point or a string saying why it has no value (prose, a definition, a typo with no
literal meaning). Derivatives are central finite differences (step ``H``); integrals are
trapezoid sums on a wide grid. Two expressions are equal when they agree at every one of
``POINTS`` random points within ``RTOL`` (relative to the larger magnitude, floor ``ATOL``).

A chain id is the chain's position in the document as the reader splits it (``"0"`` is the
first display chain); a chain whose rows the reader keeps as one step (an ``\\eqalign``, an
``array``) is also given under a name (``"rows"``), its steps matched by LaTeX only.

The label of step ``k`` of a chain is its relation to step ``k - 1``:

* ``true``: equal as values at every point;
* ``false``: not equal;
* ``condition``: not an identity, but it holds at the point the source solves for (a normal
  equation, a gradient set to zero); checked there (``Derivation.solve``);
* ``scaled``: not an identity, nor true where the source solves, but the equation a line of the
  source sets to 0, times a constant (the difference of its sides is c times that line,
  ``Derivation.scaled``): a right step of solving an equation, whatever that equation's own
  truth;
* ``unchecked``: one side has no value; ``why`` says why.

``identity_with`` lists every earlier step of the chain the step equals at random points, and
``comparable`` every earlier step both sides of which have a value, so that a verdict against
a step other than the previous one (the reader skips an unreadable step) can be judged too.
"""

# ruff: noqa: E731  (each side of a step is a short lambda in a table, as the source writes it)
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

RTOL = 1e-6     # central differences at H = 1e-5 are accurate to ~1e-9 relative here
ATOL = 1e-8
H = 1e-5
POINTS = 3
SEED = 20261202

Point = dict[str, Any]
Side = Callable[[Point], Any] | str


@dataclass(frozen=True)
class Derivation:
    point: Callable[[np.random.Generator], Point]
    chains: Mapping[str, list[Side]]
    latex: Mapping[str, list[str]] = field(default_factory=dict)  # for chains named, not numbered
    solve: Mapping[str, Callable[[Point], Point]] = field(default_factory=dict)
    # chain -> the expression an earlier line of the source sets to 0, which it rescales
    scaled: Mapping[str, Callable[[Point], Any]] = field(default_factory=dict)


# --- numerics -----------------------------------------------------------------------------

def close(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    return bool(np.all(np.abs(a - b) <= RTOL * scale + ATOL))


def fd(f: Callable[[Any], Any], x: Any) -> np.ndarray:
    """Central differences of f at x: shape x.shape + f(x).shape."""
    x = np.asarray(x, dtype=float)
    out0 = np.asarray(f(x.copy()), dtype=float)
    grad = np.zeros(x.shape + out0.shape)
    for idx in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += H
        down[idx] -= H
        grad[idx] = (np.asarray(f(up), dtype=float) - np.asarray(f(down), dtype=float)) / (2 * H)
    return grad


def fd2(f: Callable[[float], float], t: float) -> float:
    h = 1e-4
    return (f(t + h) - 2 * f(t) + f(t - h)) / h**2


def integrate(g: Callable[[np.ndarray], np.ndarray], centre: float, width: float) -> float:
    xs = np.linspace(centre - 14 * width, centre + 14 * width, 40001)
    return float(np.trapezoid(g(xs), xs))


def sig(t: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-t))


def softmax(v: np.ndarray) -> np.ndarray:
    e = np.exp(v - v.max())
    return e / e.sum()


def tr(m: np.ndarray) -> float:
    return float(np.trace(m))


def frob(a: np.ndarray, b: np.ndarray) -> float:
    """The Frobenius product a:b = tr(a^T b)."""
    return float(np.sum(a * b))


def sym(m: np.ndarray) -> np.ndarray:
    return (m + m.T) / 2


def normal(rng: np.random.Generator, *shape: int) -> Any:
    return rng.normal(size=shape) if shape else float(rng.normal())


# --- the derivations ----------------------------------------------------------------------

def frob_scalar_techqa() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"A": normal(rng, 2, 2), "B": normal(rng, 2, 2), "X": normal(rng, 2, 2),
                "x": normal(rng)}

    def norm2(p: Point, x: float) -> float:
        return float(np.sum((p["A"] * x - p["B"]) ** 2))

    def c2_1(p: Point) -> float:
        a, b, x = p["A"], p["B"], p["x"]
        d1 = float(fd(lambda t: t**2 * tr(a.T @ a), x))
        d2 = float(fd(lambda t: t * tr(b.T @ a), x))
        d3 = float(fd(lambda t: t * tr(a.T @ b), x))
        return d1 - d2 - d3

    return Derivation(point, {
        "0": [lambda p: fd(lambda X: np.sum((p["A"] @ X - p["B"]) ** 2), p["X"]),
              lambda p: 2 * p["A"].T @ (p["A"] @ p["X"] - p["B"])],
        "1": [lambda p: norm2(p, p["x"]),
              lambda p: tr((p["A"] * p["x"] - p["B"]).T @ (p["A"] * p["x"] - p["B"])),
              lambda p: tr(p["x"] * p["A"].T @ p["A"] * p["x"] - p["B"].T @ p["A"] * p["x"]
                           - p["x"] * p["A"].T @ p["B"] + p["B"].T @ p["B"])],
        "2": [lambda p: float(fd(lambda t: norm2(p, float(t)), p["x"])),
              c2_1,
              lambda p: 2 * p["x"] * tr(p["A"].T @ p["A"]) - tr(p["B"].T @ p["A"])
              - tr(p["A"].T @ p["B"])],
    })


def frob_xa_techqa() -> Derivation:
    # Gradients are taken as G_ij = d f / d X_ij, the layout of the answer's second rule
    # (d/dX trace(X^T A) = A) and of its result; X^T(A + A^T) is the other layout's form.
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 2, 2), "A": normal(rng, 2, 2)}

    def solved(p: Point) -> Point:    # the answer's equation 2X^T - A - A^T = 0
        return {**p, "X": (p["A"] + p["A"].T) / 2}

    return Derivation(point, {
        "0": [lambda p: np.sum((p["X"] - p["A"]) ** 2),
              lambda p: tr(p["X"].T @ p["X"] - p["X"].T @ p["A"] - p["A"].T @ p["X"]
                           + p["A"].T @ p["A"])],
        "1": [lambda p: fd(lambda X: tr(X.T @ p["A"] @ X), p["X"]),
              lambda p: p["X"].T @ (p["A"] + p["A"].T)],
        "2": [lambda p: fd(lambda X: tr(X.T @ p["A"]), p["X"]), lambda p: p["A"]],
        "3": [lambda p: fd(lambda X: np.sum((X - p["A"]) ** 2), p["X"]),
              lambda p: 2 * p["X"].T - p["A"] - p["A"].T],
        "4": [lambda p: p["X"], lambda p: (p["A"] + p["A"].T) / 2],
    }, solve={"4": solved})


def frob_xtx_techqa() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 2, 2), "A": normal(rng, 2, 2), "dX": normal(rng, 2, 2)}

    def f(p: Point, X: np.ndarray) -> float:
        return float(np.sum((X.T @ X - p["A"]) ** 2))

    def m(p: Point) -> np.ndarray:
        return p["X"].T @ p["X"] - p["A"]

    def dm(p: Point) -> np.ndarray:
        return p["dX"].T @ p["X"] + p["X"].T @ p["dX"]

    def df(p: Point) -> float:    # the directional derivative of f along dX
        return float((f(p, p["X"] + H * p["dX"]) - f(p, p["X"] - H * p["dX"])) / (2 * H))

    X_, A_ = (lambda p: p["X"]), (lambda p: p["A"])
    return Derivation(point, {
        "2": [lambda p: fd(lambda X: f(p, X), p["X"]),
              lambda p: 4 * X_(p) @ X_(p).T @ X_(p) - 2 * X_(p) @ A_(p) - 2 * X_(p) @ A_(p).T],
        # the \eqalign's rows, read row by row: chains 0 and 1
        "0": [lambda p: f(p, p["X"]), lambda p: np.sum(m(p) ** 2),
                   lambda p: frob(m(p), m(p))],
        "1": [df, lambda p: 2 * frob(m(p), dm(p)),
                    lambda p: 2 * frob(m(p), p["dX"].T @ p["X"] + p["X"].T @ p["dX"]),
                    lambda p: 2 * frob(m(p), 2 * sym(p["X"].T @ p["dX"])),
                    lambda p: 2 * frob(sym(m(p)), 2 * (p["X"].T @ p["dX"])),
                    lambda p: frob(2 * p["X"].T @ p["X"] - p["A"] - p["A"].T,
                                   2 * (p["X"].T @ p["dX"])),
                    lambda p: frob(4 * p["X"] @ p["X"].T @ p["X"] - 2 * p["X"] @ p["A"]
                                   - 2 * p["X"] @ p["A"].T, p["dX"])],
    })


def gauss_ll_penalosa() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, 3), "mu": normal(rng), "s2": float(rng.uniform(0.5, 2.0))}

    def dens(p: Point, t: Any) -> Any:
        return np.exp(-(t - p["mu"]) ** 2 / (2 * p["s2"])) / np.sqrt(2 * np.pi * p["s2"])

    n = 3
    return Derivation(point, {
        "0": ["LL(mu, sigma^2) is defined by this line (the log of the product of the densities)",
              lambda p: float(np.log(np.prod(dens(p, p["x"])))),
              "the reader joins rows 2 to 4 into one step (an unclosed bracket on row 2); the "
              "rows are labelled one by one under 'rows'"],
        "rows": [lambda p: float(np.log(np.prod(dens(p, p["x"])))),
                 lambda p: n * float(np.log(dens(p, p["x"][0]))),
                 lambda p: float(np.sum(np.log(1 / np.sqrt(2 * np.pi * p["s2"])
                                               * np.exp((p["x"] - p["mu"]) ** 2 / (2 * p["s2"]))))),
                 lambda p: -n / 2 * np.log(2 * np.pi) - n / 2 * np.log(p["s2"])
                 - float(np.sum((p["x"] - p["mu"]) ** 2 / (2 * p["s2"])))],
    }, latex={"rows": [
        r"\ln(p(x_{1} | \mu, \sigma^{2}) \dots p(x_{N} | \mu, \sigma^{2}))",
        r"\displaystyle\sum\limits_{n=1}^{N} \ln(p(x_{1} | \mu, \sigma^{2})",
        r"\displaystyle\sum\limits_{n=1}^{N} \ln (\frac{1}{\sqrt{2\pi\sigma^{2}}} \exp "
        r"(\frac{(x_{n} - \mu)^{2}}{2\sigma^{2}}))",
        r"- \frac{N}{2} \ln(2\pi) - \frac{N}{2} \ln(\sigma^{2}) - \displaystyle\sum\limits_{n=1}"
        r"^{N} \frac{(x_{n} - \mu)^{2}}{2\sigma^{2}}"]})


def gda_tohhongxiang() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        y = np.array([1.0, 0.0, 1.0])[rng.permutation(3)]
        sigma = normal(rng, 2, 2)
        sigma = sigma @ sigma.T + np.eye(2)
        return {"y": y, "phi": float(rng.uniform(0.2, 0.8)), "x": normal(rng, 2),
                "mu": normal(rng, 2), "Sigma": sigma}

    def solved(p: Point) -> Point:
        return {**p, "phi": float(np.mean(p["y"]))}

    def lphi(p: Point, phi: float) -> float:
        y = p["y"]
        return float(np.sum(y * np.log(phi)) + np.sum((1 - y) * np.log(1 - phi)))

    def grad(p: Point) -> float:
        return float(fd(lambda t: lphi(p, float(t)), p["phi"]))

    def form(p: Point) -> float:
        y, phi, n = p["y"], p["phi"], len(p["y"])
        return float(np.sum(y) / phi - (n - np.sum(y)) / (1 - phi))

    def v(p: Point) -> np.ndarray:
        return p["x"] - p["mu"]

    def minv(p: Point) -> np.ndarray:
        return np.linalg.inv(p["Sigma"])

    n1 = (lambda p: float(np.sum(p["y"])))
    n0 = (lambda p: len(p["y"]) - float(np.sum(p["y"])))
    return Derivation(point, {
        "0": [lambda p: lphi(p, p["phi"]),
              lambda p: lphi(p, p["phi"]),
              lambda p: np.log(p["phi"]) * np.sum(p["y"])
              + np.log(1 - p["phi"]) * np.sum(1 - p["y"]),
              lambda p: np.log(p["phi"]) * np.sum(p["y"])
              + np.log(1 - p["phi"]) * (len(p["y"]) - np.sum(p["y"]))],
        "1": [grad, form],
        "2": [lambda p: 0.0, form],
        "3": [lambda p: np.sum(p["y"]) / p["phi"],
              lambda p: (len(p["y"]) - np.sum(p["y"])) / (1 - p["phi"])],
        "4": [lambda p: p["phi"], lambda p: float(np.mean(p["y"]))],
        "5": [grad, form, lambda p: n1(p) / p["phi"] - n0(p) / (1 - p["phi"])],
        "6": [lambda p: fd2(lambda t: lphi(p, t), p["phi"]),
              "an inequality: the side is '... <= 0', not a value"],
        "7": [lambda p: v(p) @ minv(p) @ v(p),
              lambda p: v(p) @ minv(p) @ v(p),
              lambda p: tr(np.atleast_2d(v(p) @ minv(p) @ v(p))),
              lambda p: tr(minv(p) @ np.outer(v(p), v(p))),
              lambda p: tr(minv(p) @ np.outer(v(p), v(p)))],
    }, solve={"2": solved, "3": solved, "4": solved})


def kl_gauss_polonsky() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"mu1": normal(rng), "mu2": normal(rng), "s1": float(rng.uniform(0.5, 2.0)),
                "s2": float(rng.uniform(0.5, 2.0))}

    def P(p: Point, t: Any) -> Any:
        return np.exp(-(t - p["mu1"]) ** 2 / (2 * p["s1"] ** 2)) / np.sqrt(2 * np.pi * p["s1"] ** 2)

    def logq(p: Point, t: Any) -> Any:
        return -0.5 * np.log(2 * np.pi * p["s2"] ** 2) - (t - p["mu2"]) ** 2 / (2 * p["s2"] ** 2)

    def logp(p: Point, t: Any) -> Any:
        return -0.5 * np.log(2 * np.pi * p["s1"] ** 2) - (t - p["mu1"]) ** 2 / (2 * p["s1"] ** 2)

    def intg(p: Point, g: Callable[[np.ndarray], np.ndarray]) -> float:
        return integrate(g, p["mu1"], p["s1"])

    def a(p: Point) -> float:    # -1/2 log(2 pi sigma_2^2), the notebook's \log 2\pi{\sigma_2}^2
        return -0.5 * np.log(2 * np.pi * p["s2"] ** 2)

    stray = "a stray \\mathrm{d}x after the integral is gone: the expression is not well formed"
    kl = (lambda p: intg(p, lambda t: P(p, t) * (logp(p, t) - logq(p, t))))
    return Derivation(point, {
        "0": ["D_KL(P, Q) is defined by this line", kl],
        "1": [lambda p: intg(p, lambda t: P(p, t) * logq(p, t)),
              "P(X) under an integral in x: X is not the integration variable (the literal "
              "reading is P(X) times a divergent integral)",
              lambda p: intg(p, lambda t: P(p, t) * (-0.5 * np.log(2 * np.pi * p["s2"] ** 2)
                                                      - (t - p["mu2"]) ** 2 / (2 * p["s2"] ** 2))),
              lambda p: a(p) * intg(p, lambda t: P(p, t))
              - intg(p, lambda t: P(p, t) * (t - p["mu2"]) ** 2) / (2 * p["s2"] ** 2),
              lambda p: a(p)
              - intg(p, lambda t: P(p, t) * (t**2 - 2 * p["mu2"] * t + p["mu2"] ** 2))
              / (2 * p["s2"] ** 2)],
        "2": [lambda p: intg(p, lambda t: P(p, t) * t**2), lambda p: p["s1"] ** 2 + p["mu1"] ** 2],
        "3": [lambda p: intg(p, lambda t: P(p, t) * logq(p, t)), stray, stray],
        "4": [kl, lambda p: np.log(p["s2"] / p["s1"]) - 0.5
              + (p["s1"] ** 2 + (p["mu1"] - p["mu2"]) ** 2) / (2 * p["s2"] ** 2)],
    })


def linreg_wwwonderer() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 3, 2), "y": normal(rng, 3), "w": normal(rng, 2),
                "wt": normal(rng, 2), "eta": float(rng.uniform(0.1, 1.0))}

    def solved(p: Point) -> Point:
        return {**p, "w": np.linalg.solve(p["X"].T @ p["X"], p["X"].T @ p["y"])}

    def loss(p: Point, w: np.ndarray) -> float:
        r = p["X"] @ w - p["y"]
        return float(r @ r)

    def quad(p: Point, w: np.ndarray) -> float:
        X, y = p["X"], p["y"]
        return float(w @ X.T @ X @ w - 2 * w @ X.T @ y + y @ y)

    X_, y_, w_ = (lambda p: p["X"]), (lambda p: p["y"]), (lambda p: p["w"])
    n = 3
    return Derivation(point, {
        "0": [lambda p: loss(p, p["w"]),
              lambda p: (X_(p) @ w_(p) - y_(p)) @ (X_(p) @ w_(p) - y_(p)),
              lambda p: (w_(p) @ X_(p).T - y_(p)) @ (X_(p) @ w_(p) - y_(p)),
              # the underbrace is typographic: the terms are -w^TX^Ty and -y^TXw
              lambda p: w_(p) @ X_(p).T @ X_(p) @ w_(p) - w_(p) @ X_(p).T @ y_(p)
              - y_(p) @ X_(p) @ w_(p) + y_(p) @ y_(p),
              lambda p: quad(p, p["w"])],
        "1": [lambda p: fd(lambda w: loss(p, w), p["w"]),
              lambda p: fd(lambda w: quad(p, w), p["w"]),
              lambda p: 2 * X_(p).T @ X_(p) @ w_(p) - 2 * X_(p).T @ y_(p)],
        "2": ["'X^y' is not a product the post defines (a typo for X^T y)",
              lambda p: 2 * X_(p).T @ X_(p) @ w_(p)],
        "3": [w_, lambda p: np.linalg.solve(X_(p).T @ X_(p), X_(p).T @ y_(p))],
        "4": ["w_{t+1} is defined by this update",
              lambda p: p["wt"] - p["eta"] * fd(lambda w: loss(p, w) / n, p["w"]),
              lambda p: p["wt"] - p["eta"] * 2 / n * X_(p).T @ (X_(p) @ w_(p) - y_(p)),
              lambda p: p["wt"] - p["eta"] * (X_(p).T @ X_(p) @ w_(p) - X_(p).T @ y_(p))],
    }, solve={"3": solved})


def logreg_2nd_imathworks() -> Derivation:
    m = 2

    def point(rng: np.random.Generator) -> Point:
        return {"theta": normal(rng, 2), "x": normal(rng, m, 2),
                "y": rng.integers(0, 2, size=m).astype(float)}

    def J(p: Point, th: np.ndarray) -> float:
        h = sig(p["x"] @ th)
        y = p["y"]
        return float(-np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)))

    def first(p: Point, th: np.ndarray) -> np.ndarray:    # the asker's sum, component j
        return (sig(p["x"] @ th) - p["y"]) @ p["x"]

    return Derivation(point, {
        "0": ["J is defined by this line", lambda p: J(p, p["theta"])],
        "1": ["h_theta is defined by this line", "h_theta is defined by this line"],
        "2": ["g is defined by this line", "g is defined by this line"],
        "3": [lambda p: fd(lambda th: J(p, th), p["theta"]), lambda p: first(p, p["theta"])],
        "4": ["'d/d^2 theta_j J'(theta)' has no defined meaning (a second derivative written "
              "with a prime and d^2 in the denominator)",
              # row j of the derivative of the asker's sum: [j, k] = d/dtheta_k sum(...)
              lambda p: fd(lambda th: first(p, th) - 0 * th[0], p["theta"]).T,
              lambda p: fd(lambda th: sig(p["x"] @ th) @ p["x"], p["theta"]).T,
              # the vector x^i in place of x^i_j: d/dtheta of sum_i x^i sigma(theta^T x^i)
              lambda p: fd(lambda th: sig(p["x"] @ th) @ p["x"], p["theta"]).T[:, :, None]
              * np.ones(2),
              "x and h_theta(x) with no sample index are not defined in the question"],
    })


def logreg_hessian_stats400514() -> Derivation:
    n = 2

    def point(rng: np.random.Generator) -> Point:
        return {"beta": normal(rng, 2), "x": normal(rng, n, 2),
                "y": rng.choice([-1.0, 1.0], size=n)}

    def li(p: Point, b: np.ndarray) -> np.ndarray:
        return -np.log(sig(p["y"] * (p["x"] @ b)))

    def dli(p: Point) -> np.ndarray:     # [i, :] = d l_i / d beta
        return fd(lambda b: li(p, b), p["beta"]).T

    def s(p: Point) -> np.ndarray:
        return sig(p["y"] * (p["x"] @ p["beta"]))

    return Derivation(point, {
        "0": ["L(beta) is defined by this line", "L(beta) is defined by this line"],
        "1": [dli, lambda p: (-1 / s(p) * s(p) * (1 - s(p)))[:, None]
              * (p["y"][:, None] * p["x"])],
        "2": [dli, lambda p: (-(1 - s(p)))[:, None] * p["y"][:, None] * p["x"]],
        "3": [dli, lambda p: (s(p) - 1)[:, None] * p["y"][:, None] * p["x"]],
        "4": [lambda p: fd(lambda b: float(np.mean(li(p, b))), p["beta"]),
              "an unbalanced bracket ('... -1 ).y_ix_i' closes what was never opened)"],
    })


def logreg_l2_ingenjoy() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"w": normal(rng, 2), "X": normal(rng, 2, 2),
                "y": rng.integers(0, 2, size=2).astype(float), "lam": float(rng.uniform(0.1, 2))}

    def L(p: Point, w: np.ndarray) -> float:
        z = p["X"] @ w
        y = p["y"]
        return float(-np.sum(y * np.log(sig(z)) + (1 - y) * np.log(1 - sig(z))) + p["lam"] * w @ w)

    def grad(p: Point, w: np.ndarray) -> np.ndarray:
        X = p["X"]
        return -X.T @ p["y"] + X.T @ sig(X @ w) + 2 * p["lam"] * w

    def hess(p: Point) -> np.ndarray:
        X, s = p["X"], sig(p["X"] @ p["w"])
        return sum(s[i] * (1 - s[i]) * np.outer(X[i], X[i]) for i in range(2)) \
            + 2 * p["lam"] * np.eye(2)

    return Derivation(point, {
        "0": ["the loss is defined by this line", lambda p: L(p, p["w"])],
        "1": [lambda p: fd(lambda w: L(p, w), p["w"]), lambda p: grad(p, p["w"])],
        "2": [lambda p: fd(lambda w: L(p, w) * 0 + grad(p, w), p["w"]), hess],
    })


def logreg_newton_duzhongxiang() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"w": normal(rng, 2), "x": normal(rng, 2, 2),
                "y": rng.integers(0, 2, size=2).astype(float)}

    def e(p: Point) -> np.ndarray:             # e^{-w^T x_i}, one per sample
        return np.exp(-(p["x"] @ p["w"]))

    def alpha(p: Point) -> np.ndarray:
        return sig(p["x"] @ p["w"])

    def dw(p: Point, f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        return fd(f, p["w"]).T                 # [i, j] = d f_i / d w_j

    def L(p: Point, w: np.ndarray) -> float:
        a, y = sig(p["x"] @ w), p["y"]
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))

    x, y = (lambda p: p["x"]), (lambda p: p["y"])
    return Derivation(point, {
        "0": [lambda p: dw(p, lambda w: np.log(sig(p["x"] @ w))),
              lambda p: dw(p, lambda w: -np.log(1 + np.exp(-(p["x"] @ w)))),
              lambda p: x(p) * (e(p) / (1 + e(p)))[:, None]],
        "1": [lambda p: dw(p, lambda w: np.log(1 - sig(p["x"] @ w))),
              lambda p: dw(p, lambda w: np.log(np.exp(-(p["x"] @ w))
                                               / (1 + np.exp(-(p["x"] @ w))))),
              lambda p: dw(p, lambda w: -(p["x"] @ w) - np.log(1 + np.exp(-(p["x"] @ w)))),
              lambda p: -x(p) + x(p) * (e(p) / (1 + e(p)))[:, None],
              lambda p: -x(p) / (1 + e(p))[:, None]],
        "2": [lambda p: fd(lambda w: L(p, w), p["w"]),
              lambda p: -np.sum(y(p)[:, None] * x(p) * (e(p) / (1 + e(p)))[:, None]
                                + (1 - y(p))[:, None] * (-x(p) / (1 + e(p))[:, None]), axis=0),
              lambda p: -np.sum(x(p) * ((y(p) * (1 + e(p)) - 1) / (1 + e(p)))[:, None], axis=0),
              lambda p: -np.sum(x(p) * (y(p) - alpha(p))[:, None], axis=0),
              lambda p: np.sum(x(p) * (alpha(p) - y(p))[:, None], axis=0)],
    })


def logreg_newton_imathworks() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"w": normal(rng, 2), "x": normal(rng, 2), "b": normal(rng),
                "y": float(rng.integers(0, 2)), "m": float(rng.integers(1, 4))}

    def h(p: Point, w: np.ndarray, t: np.ndarray) -> float:
        return float(sig(w @ t + p["b"]))

    def L(p: Point, w: np.ndarray) -> float:
        hx, y = h(p, w, p["x"]), p["y"]
        return -(1 / p["m"]) * (y * np.log(hx) + (1 - y) * np.log(1 - hx))

    return Derivation(point, {
        "0": ["L is defined by this line (whose brackets do not balance)",
              "L is defined by this line (whose brackets do not balance)"],
        "1": ["h is defined by this line", "h is defined by this line"],
        # h(w) as written: h evaluated at w; with h(x) in its place the sign is still wrong
        "2": [lambda p: fd(lambda w: L(p, w), p["w"]),
              lambda p: -(1 / p["m"]) * (h(p, p["w"], p["w"]) - p["y"]) * p["x"]],
    })


def logsoftmax_mathse2162552() -> Derivation:
    K, m = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"y": normal(rng, K), "B": normal(rng, K, m), "h": normal(rng, m)}

    def dlog_dy(p: Point) -> np.ndarray:      # [w, i] = d log S(y)_w / d y_i
        return fd(lambda v: np.log(softmax(v)), p["y"]).T

    def cases(p: Point) -> np.ndarray:
        s = softmax(p["y"])
        return np.array([[1 - s[i] if w == i else -s[i] for i in range(K)] for w in range(K)])

    def dlog_dB(p: Point) -> np.ndarray:      # [w, a, b] = d log p_w / d B_ab
        return np.moveaxis(fd(lambda B: np.log(softmax(B @ p["h"])), p["B"]), -1, 0)

    def grad_bh(p: Point) -> np.ndarray:      # [w, k] = d log S(Bh)_w / d (Bh)_k
        return fd(lambda v: np.log(softmax(v)), p["B"] @ p["h"]).T

    def asker(p: Point) -> np.ndarray:        # [w, k] = (e_w - [S(Bh)]_w)_k
        s = softmax(p["B"] @ p["h"])
        return np.eye(K) - s[:, None]

    shapes = "the product of a gradient in R^K and d(Bh)/dB (a third-order array) is not defined"
    return Derivation(point, {
        "0": [dlog_dy, cases],
        "1": [dlog_dB, dlog_dB, shapes],
        "2": ["d(Bh)/dB is a third-order array; set equal to the vector h it is not an equality "
              "of values", "d(Bh)/dB is a third-order array"],
        "3": [grad_bh, asker],
        "4": [dlog_dB, lambda p: asker(p)[:, :, None] * p["h"][None, None, :]],
    })


def quadform_techqa() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        a = normal(rng, 2, 2)
        return {"A": a + a.T, "u": normal(rng, 2), "v": normal(rng, 2)}   # "A symmetric"

    def f(p: Point, t: np.ndarray) -> float:
        return float(t @ p["A"] @ t)

    return Derivation(point, {
        "0": [lambda p: f(p, p["u"] + p["v"]) - f(p, p["u"]),
              "'u^Tau': a lower-case a that the answer never defines (a typo for u^T A u)",
              lambda p: 2 * p["u"] @ p["A"] @ p["v"] + p["v"] @ p["A"] @ p["v"],
              "o(|v|) is an order of magnitude, not a value"],
    })


def ridge_stats540478() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 3, 2), "y": normal(rng, 3), "w": normal(rng, 2),
                "lam": float(rng.uniform(0.5, 2.0))}

    def solved(p: Point) -> Point:
        X, lam = p["X"], p["lam"]
        return {**p, "w": np.linalg.solve(X.T @ X + lam * np.eye(2), X.T @ p["y"])}

    X, y, w, lam = (lambda p: p["X"]), (lambda p: p["y"]), (lambda p: p["w"]), (lambda p: p["lam"])
    return Derivation(point, {
        "0": [lambda p: X(p).T @ X(p) @ w(p) + lam(p) * w(p),
              lambda p: (X(p).T @ X(p) + lam(p) * np.eye(2)) @ w(p),
              lambda p: X(p).T @ y(p)],
        "1": [w, lambda p: np.linalg.solve(X(p).T @ X(p) + lam(p) * np.eye(2), X(p).T @ y(p))],
        "2": [w, lambda p: X(p).T @ (y(p) - X(p) @ w(p)) / lam(p),
              lambda p: X(p).T @ ((y(p) - X(p) @ w(p)) / lam(p))],
    }, solve={"0": solved, "1": solved, "2": solved})


def softmax_lse_indii() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, 3)}

    x = (lambda p: p["x"])
    return Derivation(point, {
        "0": [lambda p: softmax(x(p)),
              lambda p: np.exp(x(p)) / np.sum(np.exp(x(p))),
              lambda p: np.exp(np.log(np.exp(x(p)) / np.sum(np.exp(x(p))))),
              lambda p: np.exp(x(p) - np.log(np.sum(np.exp(x(p))))),
              lambda p: np.exp(x(p) - np.log(np.sum(np.exp(x(p)))))],
    })


def tanh_questionai() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng)}

    def dtanh(p: Point) -> float:
        return float(fd(np.tanh, p["x"]))

    ep, em = (lambda p: np.exp(p["x"])), (lambda p: np.exp(-p["x"]))
    return Derivation(point, {
        "0": [dtanh,
              lambda p: ((ep(p) + em(p)) ** 2 - (ep(p) - em(p)) ** 2) / (ep(p) + em(p)) ** 2],
        "1": [dtanh, lambda p: 4 * ep(p) / (ep(p) + em(p)) ** 2],
    })


def tanh_specialfunctions() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"z": normal(rng)}

    def dtanh(p: Point) -> float:
        return float(fd(np.tanh, p["z"]))

    z = (lambda p: p["z"])
    return Derivation(point, {
        "0": [dtanh, lambda p: 1 / np.cosh(z(p)) ** 2],
        "1": [lambda p: np.tanh(z(p)), lambda p: np.sinh(z(p)) / np.cosh(z(p))],
        # the array{ll} of equations, read row by row
        "2": [dtanh, lambda p: float(fd(lambda t: np.sinh(t) / np.cosh(t), z(p))),
              lambda p: (np.cosh(z(p)) ** 2 - np.sinh(z(p)) ** 2) / np.cosh(z(p)) ** 2,
              lambda p: 1 / np.cosh(z(p)) ** 2, lambda p: 1 / np.cosh(z(p)) ** 2],
    })


def trace_atax_techqa() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"A": normal(rng, 2, 2), "X": normal(rng, 2, 2), "H": normal(rng, 2, 2)}

    def f(p: Point, X: np.ndarray) -> float:
        return tr((p["A"] @ X).T @ (p["A"] @ X))

    A, X, Hm = (lambda p: p["A"]), (lambda p: p["X"]), (lambda p: p["H"])
    return Derivation(point, {
        "0": ["f is defined by this line", lambda p: f(p, p["X"])],
        "1": [lambda p: fd(lambda x: f(p, x), p["X"]),
              "a product of a gradient and a derivative whose shapes the question does not "
              "give: not a value"],
        "2": [lambda p: f(p, X(p) + Hm(p)),
              lambda p: f(p, X(p)) + 2 * tr(Hm(p).T @ A(p).T @ A(p) @ X(p))
              + tr(Hm(p).T @ A(p).T @ A(p) @ Hm(p))],
    })


def trace_axb_newbetuts() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"A": normal(rng, 2, 2), "B": normal(rng, 2, 2), "X": normal(rng, 2, 2)}

    def f(p: Point, X: np.ndarray) -> float:
        return tr(p["A"] @ X @ p["B"])

    def grad(p: Point) -> np.ndarray:          # denominator layout: [i, j] = d f / d X_ij
        return fd(lambda x: f(p, x), p["X"])

    def unit(i: int) -> np.ndarray:
        return np.eye(2)[:, i]

    A, B, X = (lambda p: p["A"]), (lambda p: p["B"]), (lambda p: p["X"])
    return Derivation(point, {
        "0": ["U:V is defined by this line", "U:V is defined by this line"],
        "1": [grad, lambda p: (B(p) @ A(p)).T],
        "2": ["f is defined by this line", lambda p: f(p, X(p)),
              lambda p: tr(B(p) @ A(p) @ X(p)), lambda p: frob(A(p).T @ B(p).T, X(p))],
        "3": [grad, lambda p: A(p).T @ B(p).T],   # the \boxed{} result
        # component (i, j) of each row, as arrays over i, j
        "4": [grad, grad,
              lambda p: np.array([[tr(A(p) @ np.outer(unit(i), unit(j)) @ B(p)) for j in range(2)]
                                  for i in range(2)]),
              lambda p: np.array([[tr(A(p) @ np.outer(unit(i), unit(j)) @ B(p)) for j in range(2)]
                                  for i in range(2)]),
              "\\cdots stands for steps not written",
              lambda p: A(p).T @ B(p).T],
    })


# --- added: derivations of the second collection ------------------------------------------

def onehot(rng: np.random.Generator, k: int) -> np.ndarray:
    return np.eye(k)[int(rng.integers(0, k))]


def softmax_jac(v: np.ndarray) -> np.ndarray:
    """[i, j] = d softmax(v)_j / d v_i (the layout of fd)."""
    return fd(softmax, v)


def on_case(head: np.ndarray, value: np.ndarray, diagonal: bool) -> np.ndarray:
    """A side of a case block over (i, j): its value where the case holds (i = j when
    `diagonal`, else i != j), the chain's head elsewhere, so that a step is true when it holds
    under the case the source states in prose."""
    mask = np.eye(head.shape[0], dtype=bool)
    if not diagonal:
        mask = ~mask
    return np.where(mask, value, head)


def softmax_ce_zakariapz() -> Derivation:
    C = 3

    def point(rng: np.random.Generator) -> Point:
        return {"a": normal(rng, C), "y": onehot(rng, C)}

    def p(q: Point) -> np.ndarray:
        return softmax(q["a"])

    def S(q: Point) -> float:
        return float(np.sum(np.exp(q["a"])))

    def L(q: Point, a: np.ndarray) -> float:
        return float(-np.sum(q["y"] * np.log(softmax(a))))

    def dL(q: Point) -> np.ndarray:
        return fd(lambda a: L(q, a), q["a"])

    head = (lambda q: softmax_jac(q["a"]))          # [i, j] = d p_j / d a_i
    e = (lambda q: np.exp(q["a"]))
    # the i = j rows (values over j, put on the diagonal); the i != j rows (over [i, j])
    diag_d = (lambda q: np.diag(softmax_jac(q["a"])))
    same = [lambda q, f=f: on_case(head(q), np.diag(f(q)), True) for f in (
        diag_d, diag_d,
        lambda q: e(q) / S(q) - e(q) * e(q) / S(q) ** 2,
        lambda q: p(q) - p(q) ** 2,
        lambda q: p(q) * (1 - p(q)))]
    other = [lambda q, f=f: on_case(head(q), f(q), False) for f in (
        head,
        lambda q: e(q)[None, :] * (-e(q)[:, None] / S(q) ** 2),
        lambda q: -e(q)[None, :] * e(q)[:, None] / S(q) ** 2,
        lambda q: -p(q)[None, :] * p(q)[:, None])]
    # ell_j = y_j log p_j (L = -sum_j ell_j), so d ell_j / d p_j = y_j / p_j
    dell = (lambda q: q["y"] / p(q))
    return Derivation(point, {
        "0": [lambda q: L(q, q["a"]), lambda q: -np.sum(q["y"] * np.log(p(q))),
              lambda q: -np.sum(q["y"] * np.log(p(q)))],
        "1": [p, lambda q: np.exp(q["a"]) / S(q)],
        "2": [dL, lambda q: -head(q) @ dell(q)],
        "3": [dell, lambda q: -q["y"] / p(q), lambda q: -q["y"] / p(q)],
        # the case blocks ("If $i=j$", "And if $i \neq j$") go on from the head, each
        # under its case: the reader cuts the chain there
        "4": [head, head],
        "5": [head, *same],
        "6": [head, *other],
        "7": [head, lambda q: p(q)[None, :] * (np.eye(C) - p(q)[:, None])],
        "8": [dL, lambda q: head(q) @ dell(q),
              lambda q: np.array([np.sum(-q["y"] * (np.eye(C)[i] - p(q)[i])) for i in range(C)]),
              lambda q: np.array([np.sum(q["y"] * (p(q)[i] - np.eye(C)[i])) for i in range(C)])],
    })


def softmax_ce_sunhaozhe() -> Derivation:
    K = 3

    def point(rng: np.random.Generator) -> Point:
        return {"o": normal(rng, K), "y": onehot(rng, K)}

    # arrays over [k, i]: d p_i / d o_k
    p = (lambda q: softmax(q["o"]))
    e = (lambda q: np.exp(q["o"]))
    S = (lambda q: float(np.sum(np.exp(q["o"]))))
    head = (lambda q: softmax_jac(q["o"]))
    quotient = (lambda q: (np.eye(K) * e(q)[None, :] * S(q) - e(q)[:, None] * e(q)[None, :])
                / S(q) ** 2)

    def L(q: Point, o: np.ndarray) -> float:
        return float(-np.sum(q["y"] * np.log(softmax(o))))

    def dL(q: Point) -> np.ndarray:
        return fd(lambda o: L(q, o), q["o"])

    y = (lambda q: q["y"])
    return Derivation(point, {
        "0": [lambda q: L(q, q["o"]), lambda q: -np.sum(y(q) * np.log(p(q)))],
        "1": [p, lambda q: e(q) / S(q)],
        "2": [head, head, quotient],
        "3": [head, *[lambda q, f=f: on_case(head(q), np.diag(f(q)), True) for f in (
            lambda q: (e(q) * S(q) - e(q) * e(q)) / S(q) ** 2,
            lambda q: e(q) / S(q) * (S(q) - e(q)) / S(q),
            lambda q: p(q) * (1 - p(q)))]],
        "4": [head, *[lambda q, f=f: on_case(head(q), f(q), False) for f in (
            quotient,
            lambda q: -e(q)[:, None] * e(q)[None, :] / (S(q) * S(q)),
            lambda q: -p(q)[:, None] * p(q)[None, :])]],
        "5": [head, lambda q: np.where(np.eye(K, dtype=bool), (p(q) * (1 - p(q)))[:, None],
                                       -p(q)[:, None] * p(q)[None, :])],
        "6": [dL, lambda q: -fd(lambda o: np.log(softmax(o)), q["o"]) @ y(q),
              lambda q: -head(q) @ (y(q) / p(q)),
              lambda q: -head(q) @ (y(q) / p(q)),
              lambda q: -y(q) * (1 - p(q)) + p(q) * (np.sum(y(q)) - y(q)),
              lambda q: -y(q) + np.sum(y(q)) * p(q),
              lambda q: p(q) - y(q)],
    })


def softmax_ce_postnetwork() -> Derivation:
    C = 3

    def point(rng: np.random.Generator) -> Point:
        return {"z": normal(rng, C), "y": onehot(rng, C)}

    p = (lambda q: softmax(q["z"]))
    head = (lambda q: softmax_jac(q["z"]))         # [j, i] = d yhat_i / d z_j

    def dL(q: Point) -> np.ndarray:
        return fd(lambda z: -np.sum(q["y"] * np.log(softmax(z))), q["z"])

    def dL_dyhat(q: Point) -> np.ndarray:          # L as a function of the yhat_i
        return fd(lambda v: -np.sum(q["y"] * np.log(v)), p(q))

    y = (lambda q: q["y"])
    return Derivation(point, {
        "0": [dL],
        "1": [dL_dyhat, lambda q: -y(q) / p(q)],
        "2": ["d yhat / d z is defined by this line (the Jacobian written out, its pattern given "
              "by \\dots, \\vdots, \\ddots)", lambda q: head(q).T],
        "3": [lambda q: np.diag(head(q)), lambda q: p(q) * (1 - p(q))],
        "4": [head, lambda q: on_case(head(q), -p(q)[:, None] * p(q)[None, :], False)],
        "5": [head, lambda q: np.where(np.eye(C, dtype=bool), (p(q) * (1 - p(q)))[:, None],
                                       -p(q)[:, None] * p(q)[None, :])],
        "6": [dL, lambda q: head(q) @ dL_dyhat(q)],
        "7": [dL, lambda q: -y(q) * (1 - p(q)) + (np.sum(y(q)) - y(q)) * p(q)],
        "8": [dL, lambda q: p(q) - y(q)],
    })


def softmax_jac_techqa3848588() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, 3), "dx": normal(rng, 3)}

    def along(q: Point, g: Callable[[np.ndarray], Any]) -> Any:   # the differential of g at x
        return (np.asarray(g(q["x"] + H * q["dx"])) - np.asarray(g(q["x"] - H * q["dx"]))) / (2 * H)

    e = (lambda q: np.exp(q["x"]))
    a = (lambda q: float(np.sum(np.exp(q["x"]))))
    f = (lambda q: softmax(q["x"]))
    de = (lambda q: along(q, np.exp))
    da = (lambda q: along(q, lambda t: np.sum(np.exp(t))))
    dainv = (lambda q: along(q, lambda t: 1 / np.sum(np.exp(t))))
    df = (lambda q: along(q, softmax))
    F = (lambda q: np.diag(f(q)))
    dx = (lambda q: q["dx"])
    prod = "exp(x) dx: a product of two column vectors is not defined"
    return Derivation(point, {
        "0": ["f is defined by this line", f],
        "1": [f, lambda q: e(q) / a(q), lambda q: e(q) / a(q)],
        # the \stackrel{??}{=} of line 24 is an '=': its step goes on with chain 2
        "2": [df, lambda q: dainv(q) * e(q) + de(q) / a(q), prod],
        # the \eqalign rows of lines 26-27, read row by row (a row's tail after \qquad, which
        # defines E, de and d alpha, is a side statement)
        "3": ["e is defined by this row", e],
        "4": ["alpha is defined by this row", lambda q: np.ones(3) @ e(q)],
        "5": ["f is defined by this row", lambda q: e(q) / a(q)],
        "rows_de": [de, lambda q: e(q) * dx(q), lambda q: np.diag(e(q)) @ dx(q)],
        "rows_da": [da, lambda q: np.ones(3) @ np.diag(e(q)) @ dx(q), lambda q: e(q) @ dx(q)],
        "6": [df, lambda q: de(q) / a(q) + e(q) * dainv(q),
                    lambda q: de(q) / a(q) - e(q) * da(q) / a(q) ** 2,
                    lambda q: np.diag(e(q)) @ dx(q) / a(q) - e(q) * (e(q) @ dx(q)) / a(q) ** 2,
                    lambda q: (F(q) - np.outer(f(q), f(q))) @ dx(q)],
        "7": [lambda q: fd(softmax, q["x"]).T, lambda q: F(q) - np.outer(f(q), f(q))],
    }, latex={
        "rows_de": ["de", r"e\odot dx", r"E\,dx"],
        "rows_da": [r"d\alpha", r"{\tt1}^TE\,dx", "e^Tdx"],
    })


def softmax_ce_mathse3297525() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:   # "p_1, ..., p_n representing probabilities"
        return {"z": normal(rng, n), "p": rng.dirichlet(np.ones(n))}

    z, p = (lambda q: q["z"]), (lambda q: q["p"])
    qv = (lambda q: softmax(q["z"]))
    lse = (lambda q: float(np.log(np.sum(np.exp(q["z"])))))

    def J(q: Point, zz: np.ndarray) -> float:
        return float(-np.sum(q["p"] * np.log(softmax(zz))))

    return Derivation(point, {
        "0": [qv, lambda q: np.exp(z(q)) / np.sum(np.exp(z(q)))],
        "1": [lambda q: np.log(qv(q)), lambda q: z(q) - lse(q)],
        "2": [lambda q: p(q) * np.log(qv(q)), lambda q: p(q) * z(q) - p(q) * lse(q),
              lambda q: p(q) * z(q) - p(q) * lse(q)],
        "3": [lambda q: J(q, z(q)), lambda q: -p(q) @ z(q) + np.sum(p(q)) * lse(q),
              lambda q: -p(q) @ z(q) + lse(q)],
        "4": [lambda q: fd(lambda zz: J(q, zz), z(q)),
              lambda q: -p(q) + fd(lambda zz: np.log(np.sum(np.exp(zz))), z(q)),
              lambda q: -p(q) + qv(q)],
        "5": [lambda q: -p(q) + qv(q)],
    })


def lsq_mathse1540047() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 3, 2), "y": normal(rng, 3), "w": normal(rng, 2)}

    def L(q: Point, w: np.ndarray) -> float:
        r = q["y"] - q["X"] @ w
        return float(r @ r)

    def expanded(q: Point, w: np.ndarray) -> float:
        X, y = q["X"], q["y"]
        return float(y @ y - y @ X @ w - w @ X.T @ y + w @ X.T @ X @ w)

    def merged(q: Point, w: np.ndarray) -> float:
        X, y = q["X"], q["y"]
        return float(y @ y - 2 * y @ X @ w + w @ X.T @ X @ w)

    grad = (lambda f: (lambda q: fd(lambda w: f(q, w), q["w"])))
    X, w = (lambda q: q["X"]), (lambda q: q["w"])
    return Derivation(point, {
        "0": [lambda q: L(q, w(q)), lambda q: L(q, w(q)),
              lambda q: (q["y"] - X(q) @ w(q)) @ (q["y"] - X(q) @ w(q))],
        "1": [grad(L), grad(L), grad(expanded), grad(expanded), grad(merged)],
        "2": ["d/dw of w (X^TXw)^T, a matrix (a column times a row): a third-order array added "
              "to a gradient is not a value",
              lambda q: w(q) @ (X(q).T @ X(q) + X(q).T @ X(q)),
              lambda q: 2 * w(q) @ X(q).T @ X(q)],
    })


def lsq_techqa2383350() -> Derivation:
    N = 3

    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, N, 2), "y": normal(rng, N), "w": normal(rng, 2)}

    def solved(q: Point) -> Point:     # the least-squares w (the equations are "setting zero")
        return {**q, "w": np.linalg.lstsq(q["x"], q["y"], rcond=None)[0]}

    r = (lambda q: q["y"] - q["x"] @ q["w"])            # r_n, one per n
    zero = (lambda q: np.zeros((N, 2)))
    # the sums run over i, the summand is in n: N times the n-th term, an array over n
    return Derivation(point, {
        "0": [lambda q: float(np.sum(r(q) ** 2)), lambda q: float(np.sum(r(q) ** 2))],
        "1": [lambda q: N * 2 * r(q)[:, None] * (-q["x"]), zero],
        "2": [lambda q: N * q["x"] * r(q)[:, None], zero],
    }, solve={"1": solved, "2": solved},
       # (ii) is (i) times -1/2, both as written (their n-th terms, for every n)
       scaled={"2": lambda q: N * 2 * r(q)[:, None] * (-q["x"])})


def logreg_hessian_neylon() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:
        return {"theta": normal(rng, n), "x": normal(rng, n), "y": float(rng.choice([-1.0, 1.0])),
                "z": normal(rng, n), "m": float(rng.integers(2, 5))}

    def mJ(q: Point, th: np.ndarray) -> float:     # m J for one sample: -log g(y theta^T x)
        return float(-np.log(sig(q["y"] * (th @ q["x"]))))

    def grad_mJ(q: Point, th: np.ndarray) -> np.ndarray:   # -y x (1 - g(t)), by hand
        return -q["y"] * q["x"] * (1 - sig(q["y"] * (th @ q["x"])))

    t = (lambda q: q["y"] * (q["theta"] @ q["x"]))
    al = (lambda q: sig(t(q)) * (1 - sig(t(q))))
    x, y, z, m = (lambda q: q["x"]), (lambda q: q["y"]), (lambda q: q["z"]), (lambda q: q["m"])
    hess_mJ = (lambda q: fd(lambda th: grad_mJ(q, th), q["theta"]))
    hess_J = (lambda q: hess_mJ(q) / m(q))
    return Derivation(point, {
        "0": [lambda q: mJ(q, q["theta"]) / m(q),
              "g(y\\toi x\\toi): the logistic function of a vector (y times x), theta missing: "
              "not a value"],
        "1": [lambda q: -fd(lambda th: mJ(q, th), q["theta"]),
              lambda q: sig(t(q)) * (1 - sig(t(q))) / sig(t(q)) * x(q) * y(q),
              lambda q: x(q) * y(q) * (1 - sig(t(q)))],
        "2": [lambda q: -hess_mJ(q),
              lambda q: x(q)[:, None] * y(q) * (-al(q)) * x(q)[None, :] * y(q)],
        "3": [hess_mJ, lambda q: x(q)[:, None] * x(q)[None, :] * y(q) ** 2 * al(q)],
        # repeated indices summed, as the author says
        "4": [lambda q: z(q) @ hess_J(q) @ z(q), lambda q: z(q) @ hess_J(q) @ z(q),
              lambda q: al(q) * y(q) ** 2 * (z(q) @ x(q)) * (x(q) @ z(q)),
              "an inequality: '(\\alpha y^2)(x^Tz)^2 \\ge 0' is not a value"],
    })


def hess_fd(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """The Hessian of f at x by second central differences."""
    n = len(x)
    out = np.zeros((n, n))
    e = np.eye(n) * h
    for i in range(n):
        for j in range(n):
            out[i, j] = (f(x + e[i] + e[j]) - f(x + e[i] - e[j]) - f(x - e[i] + e[j])
                         + f(x - e[i] - e[j])) / (4 * h * h)
    return out


def newton_invariance_neylon() -> Derivation:
    # the source's f is any function: checked at f(x) = sum_k exp(b_k^T x) + x^T C x / 2
    n = 3

    def point(rng: np.random.Generator) -> Point:
        c = normal(rng, n, n)
        return {"A": normal(rng, n, n) + 2 * np.eye(n), "z": 0.3 * normal(rng, n),
                "B": 0.5 * normal(rng, 2, n), "C": c @ c.T + np.eye(n),
                "alpha": float(rng.uniform(0.1, 1.0))}

    def orthogonal(q: Point) -> Point:   # "only guaranteed when A is unitary"
        return {**q, "A": np.linalg.qr(q["A"])[0]}

    def f(q: Point, x: np.ndarray) -> float:
        return float(np.sum(np.exp(q["B"] @ x)) + x @ q["C"] @ x / 2)

    def gradf(q: Point, x: np.ndarray) -> np.ndarray:
        return fd(lambda t: f(q, t), x)

    def g(q: Point, z: np.ndarray) -> float:
        return f(q, q["A"] @ z)

    A, z, al = (lambda q: q["A"]), (lambda q: q["z"]), (lambda q: q["alpha"])
    x = (lambda q: q["A"] @ q["z"])
    df = (lambda q: gradf(q, x(q)))                          # nabla f at x = Az
    dg = (lambda q: fd(lambda t: g(q, t), q["z"]))
    Hf = (lambda q: hess_fd(lambda t: f(q, t), x(q)))
    P = (lambda q: hess_fd(lambda t: g(q, t), q["z"]))
    inv = np.linalg.inv
    newton_x = (lambda q: x(q) - inv(Hf(q)) @ df(q))
    return Derivation(point, {
        "0": [dg, dg, lambda q: A(q).T @ df(q), lambda q: A(q).T @ df(q)],
        "1": [dg, lambda q: A(q).T @ df(q)],
        "2": [P, P, P, lambda q: A(q).T @ Hf(q) @ A(q), lambda q: A(q).T @ Hf(q) @ A(q),
              lambda q: A(q).T @ Hf(q) @ A(q), lambda q: A(q).T @ Hf(q) @ A(q)],
        "3": [P, lambda q: A(q).T @ Hf(q) @ A(q)],
        "4": ["x^{(i+1)} is defined by this line (Newton's step for f)", newton_x],
        "5": ["z^{(i+1)} is defined by this line (Newton's step for g)",
              lambda q: z(q) - inv(P(q)) @ dg(q),
              lambda q: z(q) - inv(A(q).T @ Hf(q) @ A(q)) @ A(q).T @ df(q)],
        "6": [lambda q: A(q) @ (z(q) - inv(P(q)) @ dg(q)),
              lambda q: x(q) - A(q) @ inv(A(q)) @ Hf(q) @ inv(A(q)).T @ A(q).T @ df(q),
              lambda q: x(q) - Hf(q) @ df(q),
              newton_x],
        "7": ["x^{(i+1)} is defined by this line (a gradient step for f)",
              lambda q: x(q) - al(q) * df(q)],
        "8": ["z^{(i+1)} is defined by this line (a gradient step for g)",
              lambda q: z(q) - al(q) * dg(q), lambda q: z(q) - al(q) * A(q).T @ df(q)],
        "9": [lambda q: A(q) @ (z(q) - al(q) * A(q).T @ df(q)),
              lambda q: A(q) @ z(q) - al(q) * A(q) @ df(q)],
    }, solve={"9": orthogonal})


def wlsq_neylon() -> Derivation:
    m = 3

    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, m, 2), "theta": normal(rng, 2), "y": normal(rng, m),
                "w": rng.uniform(0.5, 2.0, size=m), "sigma": rng.uniform(0.5, 2.0, size=m)}

    def wls(q: Point, W: np.ndarray) -> np.ndarray:
        X = q["X"]
        return np.linalg.solve(X.T @ W @ X, X.T @ W @ q["y"])

    def solved(q: Point) -> Point:          # parts i. and ii.: W has diagonal w / 2
        return {**q, "theta": wls(q, np.diag(q["w"] / 2))}

    def solved_iii(q: Point) -> Point:      # part iii.: W has diagonal 1 / sigma^2
        return {**q, "theta": wls(q, np.diag(1 / q["sigma"] ** 2))}

    X, th, y = (lambda q: q["X"]), (lambda q: q["theta"]), (lambda q: q["y"])
    W = (lambda q: np.diag(q["w"] / 2))
    W3 = (lambda q: np.diag(1 / q["sigma"] ** 2))
    z = (lambda q: X(q) @ th(q) - y(q))

    def J(q: Point, t: np.ndarray) -> float:
        r = q["X"] @ t - q["y"]
        return float(r @ np.diag(q["w"] / 2) @ r)

    c = (lambda q: 1 / (np.sqrt(2 * np.pi) * q["sigma"]))     # the normal density's constant

    def ell(q: Point, t: np.ndarray) -> float:
        r = q["y"] - q["X"] @ t
        return float(np.sum(np.log(c(q) * np.exp(-r ** 2 / (2 * q["sigma"] ** 2)))))

    score = (lambda q: X(q).T @ ((y(q) - X(q) @ th(q)) / q["sigma"] ** 2))
    return Derivation(point, {
        "0": [lambda q: J(q, th(q)), lambda q: z(q) @ W(q) @ z(q),
              lambda q: float(np.sum(q["w"] / 2 * (X(q) @ th(q) - y(q)) ** 2))],
        "1": [lambda q: fd(lambda t: J(q, t), th(q)), lambda q: 2 * X(q).T @ W(q) @ z(q),
              lambda q: 2 * X(q).T @ W(q) @ z(q), lambda q: 2 * X(q).T @ W(q) @ z(q),
              lambda q: 2 * X(q).T @ W(q) @ z(q), lambda q: np.zeros(2)],
        "2": [lambda q: X(q).T @ W(q) @ X(q) @ th(q), lambda q: X(q).T @ W(q) @ y(q)],
        "3": [th, lambda q: np.linalg.solve(X(q).T @ W(q) @ X(q), X(q).T @ W(q) @ y(q)),
              lambda q: np.linalg.solve(X(q).T @ W(q) @ X(q), X(q).T @ W(q) @ y(q))],
        "4": ["a statement of the distribution of y given x (\\sim), not a value"],
        "5": ["\\ell(\\th) is defined by this line", lambda q: ell(q, th(q)),
              # the sum over both terms, as the author means
              lambda q: float(np.sum(np.log(c(q)) - (y(q) - X(q) @ th(q)) ** 2
                                     / (2 * q["sigma"] ** 2)))],
        "6": [lambda q: fd(lambda t: ell(q, t), th(q)), score],
        "7": [score, lambda q: np.zeros(2)],
        "8": [score, lambda q: X(q).T @ W3(q) @ (y(q) - X(q) @ th(q))],
    }, solve={"1": solved, "2": solved, "3": solved, "7": solved_iii})


def gda_neylon() -> Derivation:
    n, m = 3, 5

    def point(rng: np.random.Generator) -> Point:
        c = normal(rng, n, n)
        s = normal(rng, 2, 2)
        return {"a": normal(rng, n), "b": normal(rng, n), "C": c + c.T, "Cg": normal(rng, n, n),
                "A": normal(rng, n, n),
                "x": normal(rng, m, 2), "y": np.array([0, 1, 0, 1, 1])[rng.permutation(m)],
                "mu": normal(rng, 2, 2), "Sigma": s @ s.T + np.eye(2)}

    def mle(q: Point) -> Point:
        x, y = q["x"], q["y"]
        mu = np.array([x[y == j].mean(axis=0) for j in (0, 1)])
        d = x - mu[y]
        return {**q, "mu": mu, "Sigma": d.T @ d / m}

    v = (lambda q: q["a"] - q["b"])
    quad = (lambda q, C: float(v(q) @ C @ v(q)))

    def minor(M: np.ndarray, i: int, j: int) -> float:
        return float(np.linalg.det(np.delete(np.delete(M, i, 0), j, 1)))

    def ell(q: Point, mu: np.ndarray, P: np.ndarray) -> float:   # P = Sigma^{-1}
        x, y = q["x"], q["y"]
        d = x - mu[y]
        return float(np.sum(-np.log(2 * np.pi) + 0.5 * np.log(np.linalg.det(P))
                            - 0.5 * np.einsum("ij,jk,ik->i", d, P, d))
                     + np.sum(y * np.log(0.6) + (1 - y) * np.log(0.4)))

    P = (lambda q: np.linalg.inv(q["Sigma"]))
    def d_mu(q: Point) -> np.ndarray:      # [j, :] = d ell / d mu_j
        rows = []
        for j in (0, 1):
            def along(u: np.ndarray, j: int = j) -> float:
                mu = q["mu"].copy()
                mu[j] = u
                return ell(q, mu, P(q))
            rows.append(fd(along, q["mu"][j]))
        return np.array(rows)

    in_class = (lambda q, j: q["y"] == j)
    sum_mu = (lambda q: np.array([P(q) @ np.sum(q["x"][in_class(q, j)] - q["mu"][j], axis=0)
                                  for j in (0, 1)]))
    d_P = (lambda q: fd(lambda p: ell(q, q["mu"], p), P(q)))
    d = (lambda q: q["x"] - q["mu"][q["y"]])
    S = (lambda q: d(q).T @ d(q))
    C = (lambda q: q["C"])          # symmetric, on the first lemma's lines
    Cg = (lambda q: q["Cg"])        # any matrix, after them
    return Derivation(point, {
        "0": [lambda q: fd(lambda b: float((q["a"] - b) @ q["C"] @ (q["a"] - b)), q["b"]),
              lambda q: -2 * C(q) @ v(q)],
        "1": ["a \\begin{array} of rows, labelled under 'array_x' and 'array_grad'"],
        "array_x": [lambda q: quad(q, C(q)),
                    lambda q: float(np.einsum("i,ij,j", v(q), C(q), v(q)))],
        "array_grad": [lambda q: fd(lambda b: float((q["a"] - b) @ q["C"] @ (q["a"] - b)), q["b"]),
                       lambda q: -C(q) @ v(q) - v(q) @ C(q),
                       "[\\nabla_b]_k x, a component (k free), set equal to the vector -2C(a-b)"],
        # the entries c_ij as independent variables, as the author differentiates
        "2": [lambda q: fd(lambda M: quad(q, M), Cg(q)), lambda q: np.outer(v(q), v(q))],
        # repeated indices summed, as the author says
        "3": [lambda q: quad(q, Cg(q)), lambda q: float(np.einsum("i,ij,j", v(q), Cg(q), v(q)))],
        "4": [lambda q: fd(lambda M: quad(q, M), Cg(q)), lambda q: np.outer(v(q), v(q))],
        "5": [lambda q: fd(np.linalg.det, q["A"]),
              lambda q: np.linalg.det(q["A"]) * np.linalg.inv(q["A"]).T],
        "6": [lambda q: np.linalg.inv(q["A"]),
              lambda q: np.array([[(-1) ** (i + j) * minor(q["A"], j, i) for j in range(n)]
                                  for i in range(n)]) / np.linalg.det(q["A"])],
        "7": [d_mu, sum_mu],
        "8": [sum_mu],
        "9": [lambda q: np.array([np.sum(q["x"][in_class(q, j)], axis=0) for j in (0, 1)]),
              lambda q: np.array([np.sum(in_class(q, j)) * q["mu"][j] for j in (0, 1)])],
        "10": [lambda q: np.array([np.sum(q["x"][in_class(q, j)], axis=0) for j in (0, 1)]),
               lambda q: np.array([np.sum(in_class(q, j)) * q["mu"][j] for j in (0, 1)])],
        "11": [d_P, lambda q: m * 0.5 * q["Sigma"].T - 0.5 * S(q)],
        "12": [lambda q: m * q["Sigma"].T - 0.5 * S(q)],
        "13": [lambda q: m * q["Sigma"].T, S],
    }, latex={
        "array_x": ["x", "(a_i - b_i)c_{ij}(a_j-b_j)"],
        "array_grad": [r"[\nabla_b]_k x", "-c_{kj}(a_j - b_j) - (a_i - b_i)c_{ik}", "-2C(a-b)"],
    }, solve={"9": mle, "10": mle, "13": mle})


def backprop_techqa4064289() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"m": normal(rng, 12), "b": normal(rng, 5), "x": normal(rng, 2), "t": normal(rng, 2)}

    def nodes(q: Point, m: np.ndarray, b: np.ndarray) -> np.ndarray:   # a_1 ... a_5 (0-based)
        x = q["x"]
        a1 = sig(m[0] * x[0] + m[1] * x[1] + b[0])
        a2 = sig(m[2] * x[0] + m[3] * x[1] + b[1])
        a3 = sig(m[4] * x[0] + m[5] * x[1] + b[2])
        a4 = sig(m[6] * a1 + m[7] * a2 + m[8] * a3 + b[3])
        a5 = sig(m[9] * a1 + m[10] * a2 + m[11] * a3 + b[4])
        return np.array([a1, a2, a3, a4, a5])

    def cost(q: Point, m: np.ndarray) -> float:
        a = nodes(q, m, q["b"])
        return float((a[3] - q["t"][0]) ** 2 + (a[4] - q["t"][1]) ** 2)

    def slipped(q: Point) -> float:      # b_1 in the second node, as the last expansion writes
        b = q["b"].copy()
        m, x, t = q["m"], q["x"], q["t"]
        a1 = sig(m[0] * x[0] + m[1] * x[1] + b[0])
        a2 = sig(m[2] * x[0] + m[3] * x[1] + b[0])
        a3 = sig(m[4] * x[0] + m[5] * x[1] + b[2])
        return float((sig(m[6] * a1 + m[7] * a2 + m[8] * a3 + b[3]) - t[0]) ** 2
                     + (sig(m[9] * a1 + m[10] * a2 + m[11] * a3 + b[4]) - t[1]) ** 2)

    def d(q: Point, k: int) -> float:    # d Cost / d m_k
        return float(fd(lambda m: cost(q, m), q["m"])[k - 1])

    a = (lambda q, k: float(nodes(q, q["m"], q["b"])[k - 1]))
    m = (lambda q, k: float(q["m"][k - 1]))
    t1, t2 = (lambda q: float(q["t"][0])), (lambda q: float(q["t"][1]))
    x1 = (lambda q: float(q["x"][0]))
    def hidden(k: int, i: int, j: int) -> list[Side]:   # a_k = f(m_i x_1 + m_j x_2 + b_k)
        return [lambda q: a(q, k),
                lambda q: float(sig(m(q, i) * x1(q) + m(q, j) * q["x"][1] + q["b"][k - 1]))]

    chains: dict[str, list[Side]] = {"0": hidden(1, 1, 2), "1": hidden(2, 3, 4),
                                     "2": hidden(3, 5, 6)}
    chains["3"] = [lambda q: a(q, 4), lambda q: float(sig(m(q, 7) * a(q, 1) + m(q, 8) * a(q, 2)
                                                         + m(q, 9) * a(q, 3) + q["b"][3]))]
    chains["4"] = [lambda q: a(q, 5), lambda q: float(sig(m(q, 10) * a(q, 1) + m(q, 11) * a(q, 2)
                                                         + m(q, 12) * a(q, 3) + q["b"][4]))]
    chains["5"] = ["Cost is defined by this line",
                   "'t1', a name the question does not have (a typo for t_1)"]
    chains["6"] = [lambda q: cost(q, q["m"]),
                   lambda q: (a(q, 4) - t1(q)) ** 2 + (a(q, 5) - t2(q)) ** 2]
    chains["7"] = [lambda q: cost(q, q["m"]), slipped]
    chains["8"] = [lambda q: d(q, 7), lambda q: 2 * (a(q, 4) - t1(q)) * a(q, 4) * (1 - a(q, 4))
                   * a(q, 1)]
    chains["9"] = [lambda q: d(q, 10), lambda q: 2 * (a(q, 5) - t2(q)) * a(q, 5) * (1 - a(q, 5))
                   * a(q, 1)]
    first = (lambda q: 2 * (a(q, 4) - t1(q)) * a(q, 4) * (1 - a(q, 4)) * m(q, 7)
             * a(q, 1) * (1 - a(q, 1)) * x1(q)
             + 2 * (a(q, 5) - t2(q)) * a(q, 5) * (1 - a(q, 5)) * m(q, 10)
             * a(q, 1) * (1 - a(q, 1)) * x1(q))
    chains["10"] = [lambda q: d(q, 1), first]
    chains["11"] = [lambda q: d(q, 1),
                    lambda q: a(q, 1) * (1 - a(q, 1)) * x1(q) / a(q, 1)
                    * (d(q, 7) * m(q, 7) + d(q, 10) * m(q, 10))]
    return Derivation(point, chains)


def ridge_techqa3205293() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 3, 2), "beta": normal(rng, 2), "Y": normal(rng, 3),
                "lam": float(rng.uniform(0.5, 2.0))}

    def solved(q: Point) -> Point:
        X = q["X"]
        return {**q, "beta": np.linalg.solve(X.T @ X + q["lam"] * np.eye(2), X.T @ q["Y"])}

    def f(q: Point, b: np.ndarray) -> float:
        r = q["X"] @ b - q["Y"]
        return float(r @ r / 2 + q["lam"] * b @ b / 2)

    X, b, Y = (lambda q: q["X"]), (lambda q: q["beta"]), (lambda q: q["Y"])
    lam = (lambda q: q["lam"])
    grad = (lambda q: fd(lambda t: f(q, t), q["beta"]))
    shapes = "X^{\\top}\\beta: the transpose of the n x p matrix X times the p-vector \\beta"
    return Derivation(point, {
        "0": [b, "a column vector X^{\\top}Y times a p x p matrix: not a value"],
        "1": ["L is defined by this line", shapes],
        "2": ["L has no value (see the line before)", shapes],
        "3": [lambda q: X(q).T @ X(q) @ b(q) - X(q).T @ Y(q) + lam(q) * b(q),
              lambda q: np.zeros(2)],
        "4": ["\\beta(X^{\\top}X + \\lambda): a vector times a matrix plus a scalar: not a value",
              lambda q: X(q).T @ Y(q)],
        "5": ["X^T X + \\lambda \\beta: a matrix plus a vector: not a value",
              "X^T X + \\lambda I \\beta: a matrix plus a vector: not a value",
              lambda q: (X(q).T @ X(q) + lam(q) * np.eye(2)) @ b(q)],
        "6": [lambda q: f(q, b(q)),
              lambda q: float(np.sum((X(q) @ b(q) - Y(q)) ** 2) / 2 + lam(q) / 2 * b(q) @ b(q))],
        "7": [grad, lambda q: (X(q) @ b(q) - Y(q)) @ X(q) + lam(q) * b(q)],
        "8": [grad, grad, lambda q: X(q).T @ (X(q) @ b(q) - Y(q)) + lam(q) * b(q)],
        "9": [lambda q: (X(q).T @ X(q) + lam(q) * np.eye(2)) @ b(q), lambda q: X(q).T @ Y(q)],
    }, solve={"3": solved, "9": solved})


def ridge_segment_techqa4293920() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 3, 2), "y": normal(rng, 3), "beta": normal(rng, 2),
                "a": normal(rng, 2), "s": normal(rng, 2), "lam": float(rng.uniform(0.5, 2.0)),
                "gamma": normal(rng)}

    def f(q: Point, b: np.ndarray) -> float:
        r = q["X"] @ b - q["y"]
        return float(r @ r / 2 + q["lam"] * b @ b / 2)

    X, y = (lambda q: q["X"]), (lambda q: q["y"])
    lam, g = (lambda q: q["lam"]), (lambda q: q["gamma"])
    a, s = (lambda q: q["a"]), (lambda q: q["s"])
    seg = (lambda q: a(q) + g(q) * (s(q) - a(q)))
    coef = (lambda q: X(q).T @ X(q) @ (s(q) - a(q)) + lam(q) * (s(q) - a(q)))
    rest = (lambda q: X(q).T @ X(q) @ a(q) - X(q).T @ y(q) + lam(q) * a(q))
    return Derivation(point, {
        "0": [lambda q: f(q, q["beta"]),
              lambda q: float(np.sum((X(q) @ q["beta"] - y(q)) ** 2) / 2
                              + lam(q) / 2 * np.sum(q["beta"] ** 2))],
        "1": [seg],
        "2": [lambda q: fd(lambda b: f(q, b), q["beta"]),
              lambda q: X(q).T @ (X(q) @ q["beta"] - y(q)) + lam(q) * q["beta"]],
        "3": [lambda q: fd(lambda b: f(q, b), seg(q)),
              lambda q: X(q).T @ (X(q) @ seg(q) - y(q)) + lam(q) * seg(q),
              "\\ldots stands for the terms not written",
              lambda q: X(q).T @ X(q) @ a(q) + g(q) * X(q).T @ X(q) @ (s(q) - a(q))
              - X(q).T @ y(q) + lam(q) * a(q) + g(q) * lam(q) * (s(q) - a(q)),
              lambda q: g(q) * coef(q) + rest(q)],
        # a vector equation in the scalar gamma: no gamma solves it in general
        "4": [lambda q: np.zeros(2), lambda q: g(q) * coef(q) + rest(q)],
        "5": [lambda q: g(q) * coef(q),
              lambda q: X(q).T @ y(q) - X(q).T @ X(q) @ a(q) - lam(q) * a(q)],
    })


def lse_hessian_techqa2416837() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, n), "u": normal(rng, n)}

    def lse(v: np.ndarray) -> float:
        return float(np.log(np.sum(np.exp(v))))

    hess = (lambda q: hess_fd(lse, q["x"]))          # [k, j]
    e = (lambda q: np.exp(q["x"]))
    S = (lambda q: float(np.sum(np.exp(q["x"]))))
    t = (lambda q: softmax(q["x"]))
    u = (lambda q: q["u"])
    Q = (lambda q: float(np.sum(t(q) * (1 - t(q)) * u(q) ** 2)
                         - sum(t(q)[i] * t(q)[j] * u(q)[i] * u(q)[j]
                               for i in range(n) for j in range(n) if i != j)))
    return Derivation(point, {
        # "where j != k": the off-diagonal entries
        "0": [hess,
              lambda q: on_case(hess(q), -e(q)[:, None] * e(q)[None, :] / S(q) ** 2, False)],
        "1": [lambda q: np.diag(hess(q)), lambda q: e(q) * (S(q) - e(q)) / S(q) ** 2],
        "2": [t, lambda q: e(q) / S(q)],
        "3": ["a list of two entries ('t_i(1-t_i) and -t_it_j'), not a value"],
        # the sum over the pairs i != j (Q(u) has no free j)
        "4": [Q, Q],
        "5": [lambda q: float(np.sum(t(q))), lambda q: 1.0],
        "6": [Q, lambda q: float(np.sum(t(q) * u(q) ** 2) * np.sum(t(q))
                                 - np.sum(t(q) * u(q)) ** 2)],
    })


def logreg_newton_monotone() -> Derivation:
    m, n = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, m, n), "y": np.array([0.0, 1.0, 1.0])[rng.permutation(m)],
                "theta": normal(rng, n)}

    def loglik(q: Point, th: np.ndarray) -> float:
        h = sig(q["X"] @ th)
        return float(np.sum(q["y"] * np.log(h) + (1 - q["y"]) * np.log(1 - h)))

    X = (lambda q: q["X"])
    h = (lambda q: sig(q["X"] @ q["theta"]))
    S = (lambda q: np.diag(h(q) * (1 - h(q))))
    hess = (lambda q: hess_fd(lambda t: loglik(q, t), q["theta"]))
    prose = "the formula ends in words ('where ... \\in ...'): not a value"
    return Derivation(point, {
        "0": [X, X, prose],
        "1": [lambda q: q["y"], prose],
        "2": ["l(\\theta) is defined by this line", "the brackets of the sum do not balance"],
        "3": [h, lambda q: 1 / (1 + np.exp(-(q["X"] @ q["theta"])))],
        "4": ["\\theta := ...: an assignment (the Newton update), not an equation",
              "the right side of an assignment"],
        "5": ["H_{i,j} is defined by this line (the Hessian of l)", hess],
        "6": [lambda q: fd(lambda t: loglik(q, t), q["theta"]),
              "a column \\partial l / \\partial \\theta_1, ..., \\partial l / \\partial \\theta_m "
              "with m the number of samples, for the n entries of \\theta"],
        "7": [hess, lambda q: X(q).T @ S(q) @ X(q)],
        "8": ["S is defined by this line", "the brackets of the diagonal entries do not balance"],
    })


def frob_xat_newbetuts229422() -> Derivation:
    m, n = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, m, n), "A": normal(rng, n, n), "A1": normal(rng, m, n),
                "B1": normal(rng, m, n), "eps": float(rng.uniform(0.1, 1.0)),
                "dX": normal(rng, m, n)}

    def f(q: Point, V: np.ndarray) -> float:
        return float(np.sum((V @ q["A"].T) ** 2) / 2)

    def unit(i: int, j: int) -> np.ndarray:
        e = np.zeros((m, n))
        e[i, j] = 1.0
        return e

    def over(g: Callable[[np.ndarray], float]) -> np.ndarray:   # g(J_ij), an array over (i, j)
        return np.array([[g(unit(i, j)) for j in range(n)] for i in range(m)])

    X, A = (lambda q: q["X"]), (lambda q: q["A"])
    P = (lambda q: X(q) @ A(q).T @ A(q))
    half_tr = (lambda M: tr(M) / 2)
    first = (lambda q, D: half_tr(X(q) @ A(q).T @ A(q) @ X(q).T)
             + half_tr(D @ A(q).T @ A(q) @ X(q).T) + half_tr(X(q) @ A(q).T @ A(q) @ D.T))
    grad = (lambda q: fd(lambda V: f(q, V), X(q)))
    M = (lambda q: X(q) @ A(q).T)
    dX = (lambda q: q["dX"])
    df = (lambda q: float((f(q, X(q) + H * dX(q)) - f(q, X(q) - H * dX(q))) / (2 * H)))
    approx = "\\approx drops the second-order term: not an equality of values"
    return Derivation(point, {
        "0": [lambda q: frob(q["A1"], q["B1"]), lambda q: tr(q["A1"].T @ q["B1"])],
        "1": [lambda q: float(np.sum(q["A1"] ** 2)), lambda q: frob(q["A1"], q["A1"]),
              lambda q: tr(q["A1"].T @ q["A1"]), lambda q: tr(q["A1"] @ q["A1"].T)],
        "2": [lambda q: f(q, X(q)), lambda q: float(np.sum((X(q) @ A(q).T) ** 2) / 2),
              lambda q: half_tr(X(q) @ A(q).T @ A(q) @ X(q).T)],
        # Delta X = epsilon J_ij: arrays over (i, j); the third side's expression goes on in
        # the row after it ('\qquad + ...'), read as one side
        "3": [lambda q: over(lambda J: f(q, X(q) + q["eps"] * J)),
              lambda q: over(lambda J: half_tr((X(q) + q["eps"] * J) @ A(q).T @ A(q)
                                               @ (X(q) + q["eps"] * J).T)),
              lambda q: over(lambda J: first(q, q["eps"] * J)
                             + half_tr(q["eps"] * J @ A(q).T @ A(q) @ (q["eps"] * J).T))],
        "4": [approx,
              lambda q: over(lambda J: half_tr(X(q) @ A(q).T @ A(q) @ X(q).T)
                             + tr(X(q) @ A(q).T @ A(q) @ (q["eps"] * J).T)),
              lambda q: over(lambda J: f(q, X(q)) + frob(P(q), q["eps"] * J)),
              lambda q: over(lambda J: f(q, X(q)) + q["eps"] * frob(P(q), J))],
        "5": [approx],
        "6": [grad, lambda q: over(lambda J: frob(P(q), J))],
        # the \eqalign rows of line 41, read row by row: chains 7 to 10
        "7": [lambda q: f(q, X(q)), lambda q: frob(M(q), M(q)) / 2],
        "8": [df, lambda q: frob(M(q), dX(q) @ A(q).T), lambda q: frob(M(q), dX(q) @ A(q).T),
                    lambda q: frob(M(q) @ A(q), dX(q)), lambda q: frob(P(q), dX(q))],
        "9": [grad, P],
        "10": [grad, lambda q: over(lambda J: frob(P(q), J))],
    })


def lsq_mlcourse() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, n, 2), "y": normal(rng, n), "w": normal(rng, 2),
                # the cheat sheet's generic X (a vector), A (a vector, a matrix), y, and a
                # matrix function A(t) = A0 + t A1 at a scalar t
                "cx": normal(rng, 2), "ca": normal(rng, 2), "cA": normal(rng, 2, 2),
                "cy": normal(rng, 2), "A0": normal(rng, 2, 2) + 3 * np.eye(2),
                "A1": normal(rng, 2, 2), "t": 0.3 * normal(rng)}

    def solved(q: Point) -> Point:
        return {**q, "w": np.linalg.solve(q["X"].T @ q["X"], q["X"].T @ q["y"])}

    def L(q: Point, w: np.ndarray) -> float:
        r = q["y"] - q["X"] @ w
        return float(r @ r / (2 * n))

    X, y, w = (lambda q: q["X"]), (lambda q: q["y"]), (lambda q: q["w"])
    grad = (lambda q: fd(lambda t: L(q, t), q["w"]))
    inv = np.linalg.inv
    Am = (lambda q, t: q["A0"] + t * q["A1"])
    one = ("an array of equations joined by \\Leftrightarrow, kept as one step: its rows are "
           "labelled under rows_eq")
    rows_eq: list[list[Side]] = [
        [grad, lambda q: np.zeros(2)],
        [lambda q: (-2 * X(q).T @ y(q) + 2 * X(q).T @ X(q) @ w(q)) / (2 * n),
         lambda q: np.zeros(2)],
        [lambda q: -X(q).T @ y(q) + X(q).T @ X(q) @ w(q), lambda q: np.zeros(2)],
        [lambda q: X(q).T @ X(q) @ w(q), lambda q: X(q).T @ y(q)],
        [w, lambda q: inv(X(q).T @ X(q)) @ X(q).T @ y(q)]]
    eq: dict[str, list[Side]] = {f"rows_eq{k}": v for k, v in enumerate(rows_eq, start=1)}
    return Derivation(point, {
        # the arrays {rcl} of equations read row by row: chains 0 to 5; the last array (rows
        # joined by \Leftrightarrow) stays one step
        "6": [one],
        "0": [lambda q: L(q, w(q)),
              lambda q: float(np.sum((y(q) - X(q) @ w(q)) ** 2) / (2 * n)),
              lambda q: float(np.sum((y(q) - X(q) @ w(q)) ** 2) / (2 * n)),
              lambda q: (y(q) - X(q) @ w(q)) @ (y(q) - X(q) @ w(q)) / (2 * n)],
        "1": [lambda q: fd(lambda v: v @ q["ca"], q["cx"]), lambda q: q["ca"]],
        "2": [lambda q: fd(lambda v: v @ q["cA"] @ v, q["cx"]),
              lambda q: (q["cA"] + q["cA"].T) @ q["cx"]],
        "3": [lambda q: fd(lambda M: q["cx"] @ M @ q["cy"], q["cA"]),
              lambda q: q["cx"] @ q["cy"]],
        "4": [lambda q: fd(lambda t: inv(Am(q, float(t))), q["t"]),
              lambda q: -inv(Am(q, q["t"])) @ q["A1"] @ inv(Am(q, q["t"]))],
        "5": [grad,
              lambda q: fd(lambda t: float(y(q) @ y(q) - 2 * y(q) @ X(q) @ t
                                           + t @ X(q).T @ X(q) @ t) / (2 * n), q["w"]),
              lambda q: (-2 * X(q).T @ y(q) + 2 * X(q).T @ X(q) @ w(q)) / (2 * n)],
        **eq,
    }, latex={
        "rows_eq1": [r"\frac{\partial \mathcal{L}}{\partial \textbf{w}}", "0"],
        "rows_eq2": [r"\frac{1}{2n} \left(-2 \textbf{X}^{\text{T}} \textbf{y} + "
                     r"2\textbf{X}^{\text{T}} "
                     r"\textbf{X} \textbf{w}\right)", "0"],
        "rows_eq3": [r"-\textbf{X}^{\text{T}} \textbf{y} + \textbf{X}^{\text{T}} \textbf{X} "
                     r"\textbf{w}",
                     "0"],
        "rows_eq4": [r"\textbf{X}^{\text{T}} \textbf{X} \textbf{w}", r"\textbf{X}^{\text{T}} "
                                                                     r"\textbf{y}"],
        "rows_eq5": [r"\textbf{w}",
                     r"\left(\textbf{X}^{\text{T}} \textbf{X}\right)^{-1} "
                     r"\textbf{X}^{\text{T}} \textbf{y}"],
    }, solve={f"rows_eq{k}": solved for k in range(1, 6)})


# --- the third collection -------------------------------------------------------------------

def along(f: Callable[[Any], Any], x: Any, dx: Any) -> Any:
    """The differential of f at x along the increment dx (a central difference)."""
    x, dx = np.asarray(x, dtype=float), np.asarray(dx, dtype=float)
    return (np.asarray(f(x + H * dx)) - np.asarray(f(x - H * dx))) / (2 * H)


def logsoftmax_mnn() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, n)}

    y = (lambda q: softmax(q["x"]))
    head = (lambda q: fd(lambda v: np.log(softmax(v)), q["x"]).T)   # [i, k] = d z_i / d x_k
    m = (lambda q: float(q["x"].max()))   # the softmax page's m; any m gives the same value
    elided = "a matrix with elided entries (..., \\vdots, \\ddots): no literal value"
    ell = "\\ell is not defined on this page"
    return Derivation(point, {
        "0": [head, *[lambda q, f=f: on_case(head(q), f(q), True) for f in (
            lambda q: np.diag(y(q) ** -1 * y(q) * (1 - y(q))),
            lambda q: np.ones((n, n)) - y(q)[None, :])]],
        "1": [head, *[lambda q, f=f: on_case(head(q), f(q), False) for f in (
            lambda q: y(q)[:, None] ** -1 * (-y(q)[:, None] * y(q)[None, :]),
            lambda q: -np.ones((n, 1)) * y(q)[None, :])]],
        "2": [head, elided],
        "3": [ell, ell],
        "4": [lambda q: np.log(y(q)), lambda q: np.log(y(q))],
        "5": [lambda q: np.log(y(q)),
              lambda q: np.log(np.exp(q["x"] - m(q)) / np.sum(np.exp(q["x"] - m(q)))),
              lambda q: q["x"] - m(q) - np.log(np.sum(np.exp(q["x"] - m(q))))],
    })


def softmax_ce_mnn() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, n), "p": onehot(rng, n)}

    y = (lambda q: softmax(q["x"]))
    p = (lambda q: q["p"])
    rest = (lambda q: np.sum(q["p"]) - q["p"])        # sum over j != k of p_j, for each k

    def ell(q: Point, x: np.ndarray) -> float:
        return float(-np.sum(q["p"] * np.log(softmax(x))))

    grad = (lambda q: fd(lambda x: ell(q, x), q["x"]))
    return Derivation(point, {
        "0": [grad, lambda q: -fd(lambda x: np.sum(q["p"] * np.log(softmax(x))), q["x"]),
              lambda q: -(p(q) * (1 - y(q)) - rest(q) * y(q)),
              lambda q: -p(q) + p(q) * y(q) + rest(q) * y(q),
              lambda q: -p(q) + np.sum(p(q)) * y(q),
              lambda q: -p(q) + y(q)],
        "1": [grad, "a row vector with elided entries (...), y_k - 1 at place k for the label "
                    "l: no literal value"],
        "2": [lambda q: ell(q, q["x"]), lambda q: -np.sum(p(q) * np.log(y(q))),
              lambda q: -np.log(y(q)[int(np.argmax(p(q)))])],
    })


def frob_norm_yusukey01() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, 3, 2), "dX": normal(rng, 3, 2), "A": normal(rng, 2, 2),
                "dA": normal(rng, 2, 2), "x": normal(rng, 3), "y": normal(rng, 2),
                "B": normal(rng, 3, 2), "dB": normal(rng, 3, 2)}   # B, dB: the example's A, dA

    X, dX = (lambda q: q["X"]), (lambda q: q["dX"])
    f = (lambda X: float(np.sqrt(np.sum(X * X))))
    t = (lambda q: tr(q["X"].T @ q["X"]))
    c = (lambda q: 1 / (2 * np.sqrt(t(q))))
    df = (lambda q: float(along(f, q["X"], q["dX"])))
    dg = (lambda q: float(along(lambda B: q["x"] @ B @ q["y"], q["B"], q["dB"])))
    grad = (lambda q: fd(f, q["X"]))
    return Derivation(point, {
        "0": [lambda q: f(X(q)), lambda q: f(X(q)), lambda q: float(np.sqrt(t(q)))],
        "1": [df, lambda q: c(q) * float(along(lambda X: tr(X.T @ X), X(q), dX(q)))],
        "2": [lambda q: float(along(tr, q["A"], q["dA"])),
              lambda q: tr(q["A"] + q["dA"]) - tr(q["A"]),
              lambda q: tr(q["A"]) + tr(q["dA"]) - tr(q["A"]), lambda q: tr(q["dA"])],
        "3": [df, lambda q: c(q) * tr(dX(q).T @ X(q) + X(q).T @ dX(q))],
        "4": [df, lambda q: c(q) * tr(dX(q).T @ X(q) + X(q).T @ dX(q)),
              lambda q: c(q) * tr(dX(q).T @ X(q)) + tr(X(q).T @ dX(q))],
        "5": [df, lambda q: c(q) * 2 * tr(X(q).T @ dX(q)),
              lambda q: tr(X(q).T @ dX(q)) / np.sqrt(t(q))],
        "6": [df, lambda q: frob(X(q) / np.sqrt(t(q)), dX(q))],
        "7": [grad, lambda q: X(q) / f(X(q))],
        "8": [df, lambda q: tr(grad(q).T @ dX(q))],
        "9": [dg, lambda q: float(q["x"] @ q["dB"] @ q["y"])],
        "10": [dg, lambda q: float(q["x"] @ q["dB"] @ q["y"])],
        "11": [dg, lambda q: tr(np.outer(q["y"], q["x"]) @ q["dB"])],
    })


def sigmoid_aman() -> Derivation:
    def point(rng: np.random.Generator) -> Point:
        return {"z": normal(rng)}

    z = (lambda q: q["z"])
    s = (lambda q: float(sig(q["z"])))
    e = (lambda q: float(np.exp(-q["z"])))
    ds = (lambda q: float(fd(sig, z(q))))
    return Derivation(point, {
        "0": [ds, lambda q: s(q) * (1 - s(q))],
        "1": [s, lambda q: 1 / (1 + e(q))],
        "2": [ds, ds, lambda q: float(fd(lambda t: (1 + np.exp(-t)) ** -1, z(q))),
              lambda q: -(1 + e(q)) ** -2 * (-e(q)), lambda q: e(q) / (1 + e(q)) ** 2,
              lambda q: 1 / (1 + e(q)) * e(q) / (1 + e(q)),
              lambda q: 1 / (1 + e(q)) * ((1 + e(q)) - 1) / (1 + e(q)),
              lambda q: 1 / (1 + e(q)) * ((1 + e(q)) / (1 + e(q)) - 1 / (1 + e(q))),
              lambda q: 1 / (1 + e(q)) * (1 - 1 / (1 + e(q))),
              lambda q: s(q) * (1 - s(q))],
    })


def quad_hessian_techqa4050502() -> Derivation:
    d = 3

    def point(rng: np.random.Generator) -> Point:
        m = normal(rng, d, d)       # "A is a positive definite matrix": symmetric, the usual sense
        return {"A": m @ m.T + np.eye(d), "b": normal(rng, d), "c": normal(rng),
                "x": normal(rng, d), "v": normal(rng, d), "w": normal(rng, d)}

    A, b, x, v, w = ((lambda q, k=k: q[k]) for k in "Abxvw")

    def J(q: Point, t: np.ndarray) -> float:
        return float(q["c"] + q["b"] @ t + t @ q["A"] @ t)

    def hess(q: Point) -> float:     # the mixed second difference: exact for a quadratic
        h = 1e-2
        u, s = h * q["v"], h * q["w"]
        return (J(q, x(q) + u + s) - J(q, x(q) + u - s) - J(q, x(q) - u + s)
                + J(q, x(q) - u - s)) / (4 * h * h)

    return Derivation(point, {
        "1": [lambda q: J(q, x(q)), lambda q: J(q, x(q))],
        "2": [lambda q: float(along(lambda t: J(q, t), x(q), v(q))),
              lambda q: b(q) @ v(q) + v(q) @ A(q) @ x(q) + x(q) @ A(q) @ v(q),
              lambda q: (b(q) + 2 * A(q) @ x(q)) @ v(q)],
        "3": [lambda q: fd(lambda t: J(q, t), x(q)), lambda q: b(q) + 2 * A(q) @ x(q)],
        "4": [hess, lambda q: v(q) @ (2 * A(q)) @ w(q), lambda q: 2 * v(q) @ A(q) @ w(q)],
    })


def lsq_weighted_zyxue() -> Derivation:
    N, D = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"X": normal(rng, N, D), "w": normal(rng, D), "y": normal(rng, N),
                "R": np.diag(rng.uniform(0.5, 2.0, size=N))}

    X, w, y, R = ((lambda q, k=k: q[k]) for k in "XwyR")
    inv = np.linalg.inv

    def L(q: Point, w: np.ndarray, weight: bool) -> float:
        r = q["X"] @ w - q["y"]
        return float(r @ (q["R"] if weight else np.eye(N)) @ r / 2)

    def solved(weight: bool) -> Callable[[Point], Point]:
        def at(q: Point) -> Point:
            W = q["R"] if weight else np.eye(N)
            return {**q, "w": inv(q["X"].T @ W @ q["X"]) @ q["X"].T @ W @ q["y"]}
        return at

    t_hat = "\\hat{\\mathbf{t}} ('the predictions') is defined by this line"
    return Derivation(point, {
        "0": [lambda q: X(q) @ w(q), lambda q: X(q) @ w(q)],
        "1": [lambda q: L(q, w(q), False), lambda q: (X(q) @ w(q) - y(q)) @ (X(q) @ w(q) - y(q))
              / 2, lambda q: (X(q) @ w(q) - y(q)) @ (X(q) @ w(q) - y(q)) / 2],
        "2": [lambda q: fd(lambda t: L(q, t, False), w(q)),
              lambda q: X(q).T @ (X(q) @ w(q) - y(q)), lambda q: np.zeros(D)],
        "3": [lambda q: X(q).T @ X(q) @ w(q), lambda q: X(q).T @ y(q)],
        "4": [w, lambda q: inv(X(q).T @ X(q)) @ X(q).T @ y(q)],
        "5": [t_hat, lambda q: X(q) @ inv(X(q).T @ X(q)) @ X(q).T @ y(q)],
        "6": [lambda q: L(q, w(q), True),
              lambda q: (X(q) @ w(q) - y(q)) @ R(q) @ (X(q) @ w(q) - y(q)) / 2,
              lambda q: (X(q) @ w(q) - y(q)) @ R(q) @ (X(q) @ w(q) - y(q)) / 2],
        "7": [lambda q: fd(lambda t: L(q, t, True), w(q)),
              lambda q: X(q).T @ R(q) @ (X(q) @ w(q) - y(q)), lambda q: np.zeros(D)],
        "8": [lambda q: X(q).T @ R(q) @ X(q) @ w(q), lambda q: X(q).T @ R(q) @ y(q)],
        "9": [w, lambda q: inv(X(q).T @ R(q) @ X(q)) @ X(q).T @ R(q) @ y(q)],
        "10": [t_hat, lambda q: X(q) @ inv(X(q).T @ R(q) @ X(q)) @ X(q).T @ R(q) @ y(q)],
    }, solve={"2": solved(False), "3": solved(False), "4": solved(False),
              "7": solved(True), "8": solved(True), "9": solved(True)})


def backprop_mlp_gauravreddy08() -> Derivation:
    n, p = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"W1": normal(rng, n, p), "b1": normal(rng, n), "a2": normal(rng, p),
                "WL": normal(rng, n), "bL": normal(rng), "y": float(rng.integers(0, 2))}

    relu = (lambda t: np.maximum(t, 0.0))

    def loss(q: Point, W1: np.ndarray, WL: np.ndarray, a1: np.ndarray | None = None) -> float:
        if a1 is None:
            a1 = relu(W1 @ q["a2"] + q["b1"])
        yhat = float(sig(WL @ a1 + q["bL"]))
        return -(q["y"] * np.log(yhat) + (1 - q["y"]) * np.log(1 - yhat))

    z1 = (lambda q: q["W1"] @ q["a2"] + q["b1"])
    a1 = (lambda q: relu(z1(q)))
    zL = (lambda q: float(q["WL"] @ a1(q) + q["bL"]))
    err = (lambda q: float(sig(zL(q))) - q["y"])                   # yhat - y
    drelu = (lambda q: (z1(q) > 0).astype(float))
    gWL = (lambda q: fd(lambda W: loss(q, q["W1"], W), q["WL"]))
    gW1 = (lambda q: fd(lambda W: loss(q, W, q["WL"]), q["W1"]))
    ga1 = (lambda q: fd(lambda a: loss(q, q["W1"], q["WL"], a), a1(q)))
    dL_dzL = (lambda q: float(fd(lambda t: -(q["y"] * np.log(sig(t)) + (1 - q["y"])
                                             * np.log(1 - sig(t))), zL(q))))
    third = ("\\partial z^{L-1} / \\partial W^{L-1} is a third-order array: its product by "
             "'\\cdot' has no fixed meaning")
    return Derivation(point, {
        # one output unit: dL/da^L, da^L/dz^L are numbers, dz^L/dW^L = a^{L-1}
        "1": [gWL, lambda q: dL_dzL(q) * a1(q)],
        "2": [dL_dzL, err],
        "3": [zL, zL],
        "4": [lambda q: fd(lambda W: float(W @ a1(q) + q["bL"]), q["WL"]), a1],
        "5": [gWL, lambda q: err(q) * a1(q)],
        "6": [gW1, third],
        "7": [ga1, lambda q: dL_dzL(q) * q["WL"], lambda q: err(q) * q["WL"]],
        # the Jacobian of a^{L-1} = ReLU(z^{L-1}) is a diagonal matrix, ReLU'(z^{L-1}) a vector
        "8": [lambda q: fd(relu, z1(q)), drelu],
        "9": [lambda q: float(fd(relu, q["b1"][0])), lambda q: float(q["b1"][0] > 0)],
        "10": [third, third],
        "11": [gW1, lambda q: np.outer(q["WL"] * err(q) * drelu(q), q["a2"])],
    })


def gda_prml_amitrajan012() -> Derivation:
    N, D = 3, 2

    def point(rng: np.random.Generator) -> Point:
        m = normal(rng, D, D)
        return {"t": np.array([1.0, 0.0, float(rng.integers(0, 2))]),
                "pi": float(rng.uniform(0.05, 0.95)), "X": normal(rng, N, D),
                "mu1": normal(rng, D), "mu2": normal(rng, D), "S": m @ m.T + np.eye(D)}

    def gauss(q: Point, mu: np.ndarray) -> np.ndarray:     # N(X_n | mu, Sigma) for each n
        r = q["X"] - mu
        quad = np.einsum("nd,de,ne->n", r, np.linalg.inv(q["S"]), r)
        return np.exp(-quad / 2) / np.sqrt((2 * np.pi) ** D * np.linalg.det(q["S"]))

    def solved(q: Point) -> Point:
        return {**q, "pi": float(np.mean(q["t"]))}

    t, pi = (lambda q: q["t"]), (lambda q: q["pi"])
    N1 = (lambda q: float(np.sum(q["t"])))
    N2 = (lambda q: float(np.sum(1 - q["t"])))
    j1 = (lambda q: pi(q) * gauss(q, q["mu1"]))
    j2 = (lambda q: (1 - pi(q)) * gauss(q, q["mu2"]))
    lik = (lambda q: float(np.prod(j1(q) ** t(q) * j2(q) ** (1 - t(q)))))
    const = "+ const stands for the terms that do not depend on \\mu_1: no literal value"
    return Derivation(point, {
        "0": [j1, j1, j1],
        "1": [j2, j2, j2],
        "2": [lik, lik],
        "4": [lambda q: float(np.sum(t(q) / pi(q) - (1 - t(q)) / (1 - pi(q)))),
              lambda q: float(np.sum((t(q) - pi(q)) / (pi(q) * (1 - pi(q))))), lambda q: 0.0],
        "5": [pi, lambda q: float(np.mean(t(q))), lambda q: N1(q) / N,
              lambda q: N1(q) / (N1(q) + N2(q))],
        "6": [lambda q: float(np.sum(t(q) * np.log(gauss(q, q["mu1"])))), const],
    }, solve={"4": solved, "5": solved})


def grad_bz_mathse2115974() -> Derivation:
    Dh, Dz = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"w": normal(rng, Dh), "B": normal(rng, Dh, Dz), "z": normal(rng, Dz)}

    third = ("\\partial x / \\partial B is a third-order array (the asker: 'seems to be "
             "3-dimensional'): the product has no fixed meaning")
    return Derivation(point, {
        "0": [lambda q: float(q["w"] @ q["B"] @ q["z"]), lambda q: float(q["w"] @ q["B"] @ q["z"])],
        "1": [lambda q: q["B"] @ q["z"], lambda q: q["B"] @ q["z"]],
        "2": [lambda q: fd(lambda B: float(q["w"] @ B @ q["z"]), q["B"]), third, third,
              lambda q: np.outer(q["z"], q["w"])],
    })


def backprop_yoanptr() -> Derivation:
    K = 3

    def point(rng: np.random.Generator) -> Point:
        return {"Z2": normal(rng, K), "y": normal(rng, K)}

    s = (lambda q: sig(q["Z2"]))
    no_c = "C, 'the cost function', is never written down in the source"
    return Derivation(point, {
        "0": [no_c, no_c], "1": [no_c, no_c],
        # the Jacobian of A^{(2)} = sigma(Z^{(2)}) is a diagonal matrix, sigma'(Z^{(2)}) a vector
        "2": [lambda q: fd(sig, q["Z2"]), lambda q: s(q) * (1 - s(q)),
              lambda q: s(q) * (1 - s(q))],
        "3": [no_c, no_c], "4": [no_c, no_c, no_c], "5": [no_c, no_c],
        "6": [no_c, no_c, no_c], "7": [no_c, no_c, no_c], "8": [no_c, no_c], "9": [no_c, no_c],
    })



def logreg_alineberry() -> Derivation:
    n, d = 3, 2

    def point(rng: np.random.Generator) -> Point:
        return {"w": normal(rng, d), "X": normal(rng, n, d), "y": rng.integers(0, 2, n) * 1.0,
                "x": normal(rng, d), "t": float(rng.integers(0, 2))}   # x, t: the single point

    s_i = (lambda q: sig(q["X"] @ q["w"]))
    y = (lambda q: q["y"])
    lik = (lambda q: float(np.prod(s_i(q) ** y(q) * (1 - s_i(q)) ** (1 - y(q)))))
    J = (lambda q: float(np.sum(y(q) * np.log(s_i(q)) + (1 - y(q)) * np.log(1 - s_i(q)))))
    s = (lambda q: float(sig(q["x"] @ q["w"])))
    t = (lambda q: q["t"])
    ds = (lambda q: s(q) * (1 - s(q)) * q["x"])          # nabla_w sigma
    grad = (lambda q: fd(lambda w: float(q["t"] * np.log(sig(q["x"] @ w)) + (1 - q["t"])
                                         * np.log(1 - sig(q["x"] @ w))), q["w"]))
    return Derivation(point, {
        "1": [s, s],
        "2": [lambda q: s(q) ** t(q) * (1 - s(q)) ** (1 - t(q)),
              lambda q: s(q) ** t(q) * (1 - s(q)) ** (1 - t(q))],
        "3": [lik, lik],
        "4": [J, lambda q: float(np.log(lik(q))), lambda q: float(np.log(lik(q))),
              lambda q: float(np.sum(np.log(s_i(q) ** y(q) * (1 - s_i(q)) ** (1 - y(q))))),
              lambda q: float(np.sum(np.log(s_i(q) ** y(q)) + np.log((1 - s_i(q)) ** (1 - y(q))))),
              J],
        "5": [s, s],
        "6": [grad, grad,
              lambda q: t(q) / s(q) * ds(q) + (1 - t(q)) / (1 - s(q)) * (-ds(q)),
              lambda q: t(q) / s(q) * ds(q) - (1 - t(q)) / (1 - s(q)) * ds(q),
              lambda q: (t(q) / s(q) - (1 - t(q)) / (1 - s(q))) * ds(q),
              lambda q: (t(q) * (1 - s(q)) - (1 - t(q)) * s(q)) / (s(q) * (1 - s(q))) * ds(q),
              lambda q: (t(q) - s(q) * t(q) - s(q) + s(q) * t(q)) / (s(q) * (1 - s(q))) * ds(q),
              lambda q: (t(q) - s(q)) / (s(q) * (1 - s(q))) * ds(q),
              lambda q: (t(q) - s(q)) / (s(q) * (1 - s(q))) * s(q) * (1 - s(q)),
              lambda q: t(q) - s(q)],
    })



def softmax_jac_mnn() -> Derivation:
    n = 3

    def point(rng: np.random.Generator) -> Point:
        return {"x": normal(rng, n)}

    y = (lambda q: softmax(q["x"]))
    e = (lambda q: np.exp(q["x"]))
    S = (lambda q: float(np.sum(np.exp(q["x"]))))
    head = (lambda q: softmax_jac(q["x"]).T)      # [i, k] = d y_i / d x_k
    elided = "a matrix with elided entries (..., \\vdots, \\ddots): no literal value"
    return Derivation(point, {
        # "When i = k": arrays over (i, k) holding the case's value on the diagonal
        "0": [head, *[lambda q, f=f: on_case(head(q), f(q), True) for f in (
            lambda q: np.diag((e(q) * S(q) - e(q) * e(q)) / S(q) ** 2),
            lambda q: np.diag(e(q) * (S(q) - e(q)) / S(q) ** 2),
            lambda q: np.diag(e(q) / S(q) * (S(q) - e(q)) / S(q)),
            lambda q: np.diag(y(q) * (1 - y(q))),
            lambda q: y(q)[:, None] - y(q)[:, None] * y(q)[None, :])]],
        "1": [head, *[lambda q, f=f: on_case(head(q), f(q), False) for f in (
            lambda q: -(e(q)[:, None] * e(q)[None, :]) / S(q) ** 2,
            lambda q: -y(q)[:, None] * y(q)[None, :])]],
        "2": [head, elided, lambda q: np.diag(y(q)) - np.outer(y(q), y(q))],
        "3": [y, lambda q: e(q) / S(q),
              lambda q: np.exp(q["x"] - q["x"].max()) / np.sum(np.exp(q["x"] - q["x"].max()))],
    })


DERIVATIONS: dict[str, Callable[[], Derivation]] = {
    f"{fn.__name__}.md": fn for fn in (
        frob_scalar_techqa, frob_xa_techqa, frob_xtx_techqa, gauss_ll_penalosa,
        gda_tohhongxiang, kl_gauss_polonsky, linreg_wwwonderer, logreg_2nd_imathworks,
        logreg_hessian_stats400514, logreg_l2_ingenjoy, logreg_newton_duzhongxiang,
        logreg_newton_imathworks, logsoftmax_mathse2162552, quadform_techqa,
        ridge_stats540478, softmax_lse_indii, tanh_questionai, tanh_specialfunctions,
        trace_atax_techqa, trace_axb_newbetuts,
        # the second collection
        softmax_ce_zakariapz, softmax_ce_sunhaozhe, softmax_ce_postnetwork,
        softmax_jac_techqa3848588, softmax_ce_mathse3297525, lsq_mathse1540047,
        lsq_techqa2383350, logreg_hessian_neylon, newton_invariance_neylon, wlsq_neylon,
        gda_neylon, backprop_techqa4064289, ridge_techqa3205293, ridge_segment_techqa4293920,
        lse_hessian_techqa2416837, logreg_newton_monotone, frob_xat_newbetuts229422,
        lsq_mlcourse,
        # the third collection
        logsoftmax_mnn, softmax_ce_mnn, frob_norm_yusukey01, sigmoid_aman,
        quad_hessian_techqa4050502, lsq_weighted_zyxue, backprop_mlp_gauravreddy08,
        gda_prml_amitrajan012, grad_bz_mathse2115974, backprop_yoanptr,
        logreg_alineberry, softmax_jac_mnn)
}


# --- labels -------------------------------------------------------------------------------

def labels(derivation: Derivation) -> dict[str, dict[str, Any]]:
    """Every step's label, keyed 'chain.k' (k >= 1), as described in the module docstring."""
    rng = np.random.default_rng(SEED)
    points = [derivation.point(rng) for _ in range(POINTS)]
    out: dict[str, dict[str, Any]] = {}
    for chain, sides in derivation.chains.items():
        values = [None if isinstance(s, str) else [s(p) for p in points] for s in sides]
        for k in range(1, len(sides)):
            equal = [j for j in range(k)
                     if (first := values[j]) is not None and (second := values[k]) is not None
                     and all(close(a, b) for a, b in zip(first, second, strict=True))]
            comparable = [j for j in range(k) if values[j] is not None and values[k] is not None]
            entry: dict[str, Any] = {"identity_with": equal, "comparable": comparable}
            before, here = sides[k - 1], sides[k]
            if isinstance(before, str) or isinstance(here, str):
                entry["truth"] = "unchecked"
                entry["why"] = here if isinstance(here, str) else f"the step before: {before}"
            elif k - 1 in equal:
                entry["truth"] = "true"
            elif chain in derivation.solve and all(
                    close(before(q), here(q)) for q in map(derivation.solve[chain], points)):
                entry["truth"] = "condition"
            elif chain in derivation.scaled and rescales(
                    [np.asarray(before(p)) - np.asarray(here(p)) for p in points],
                    [np.asarray(derivation.scaled[chain](p)) for p in points]):
                entry["truth"] = "scaled"
            else:
                entry["truth"] = "false"
            out[f"{chain}.{k}"] = entry
    return out


def rescales(differences: list[np.ndarray], zeroed: list[np.ndarray]) -> bool:
    """Whether every difference is one nonzero constant times the expression set to 0 at the
    same point (the constant from the first point, by least squares)."""
    first, base = differences[0].ravel().astype(float), zeroed[0].ravel().astype(float)
    if first.shape != base.shape or not np.any(base):
        return False
    c = float(first @ base / (base @ base))
    return c != 0 and all(close(d, c * z) for d, z in zip(differences, zeroed, strict=True))


def all_labels() -> dict[str, dict[str, dict[str, Any]]]:
    return {name: labels(make()) for name, make in DERIVATIONS.items()}


if __name__ == "__main__":
    for name, steps in all_labels().items():
        print(name)
        for step, entry in steps.items():
            why = entry.get("why", "")[:70]
            print(f"  {step:10} {entry['truth']:9} {entry['identity_with']} {why}")
