#!/usr/bin/env python3
"""SymPy side of bench/engine.ts: times the same problems through SymPy and prints JSON.

    python3 bench/engine_sympy.py CASES_FILE [--derivative N] [--antiderivative N]
        [--definite N] [--solve N] [--runs R] [--points p1,p2,...] [--check-all]

CASES_FILE holds lines `kind<TAB>polish` (bench/engine-cases.ts). For each operation the
first N problems of its kind are converted to SymPy expressions once (Polish -> SymPy,
not timed: SymPy's constructors already canonicalise the input, as our parser does not),
then timed as a user would call SymPy:

    derivative      sympy.diff(f, x)                  (automatic canonical form; no simplify)
    antiderivative  sympy.integrate(f, x)
    definite        sympy.integrate(f, (x, a, b))     (exact value)
    solve           sympy.solve(sympy.Eq(l, r), x)    with x = Symbol('x', real=True), so
                                                      that only real roots come back, like ours

One warm-up pass, then R timed passes (medians of wall-clock and of process CPU time are
reported). Each pass starts a fresh but warm session: SymPy's cache is cleared
(sympy.core.cache.clear_cache), so no pass is answered from an earlier one, then the next
N problems of the same kind (disjoint from the timed ones) run untimed, so that the
cache holds what a long session would (common atoms, subexpressions, assumptions), but
not the timed answers. (A cold cache makes SymPy ~25 % slower; never clearing it would
time dictionary look-ups.)
A call that raises is counted as a failure (its time is included). After timing, each
result is evaluated numerically (outside the timing) at the check points, for the
cross-check in bench/engine.ts: values are None where undefined, complex or non-finite.
With --check-all, the rest of each kind is also computed (untimed) for the cross-check.
"""

import argparse
import json
import math
import platform
import re
import statistics
import sys
import time

import sympy
from sympy.core.cache import clear_cache

X = sympy.Symbol("x")
XR = sympy.Symbol("x", real=True)

INTEGER = re.compile(r"^-?[0-9]+$")
RATIONAL = re.compile(r"^(-?[0-9]+)/([0-9]+)$")
FLOAT = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
TOKEN = re.compile(r"\(|\)|[^\s()]+")


def _fold(f, args):
    acc = args[0]
    for a in args[1:]:
        acc = f(acc, a)
    return acc


def _pow(args):
    acc = args[-1]
    for a in reversed(args[:-1]):
        acc = sympy.Pow(a, acc)
    return acc


HEADS = {
    "+": lambda a: sympy.Add(*a),
    "*": lambda a: sympy.Mul(*a),
    "-": lambda a: -a[0] if len(a) == 1 else _fold(lambda p, q: p - q, a),
    "/": lambda a: _fold(lambda p, q: p / q, a),
    "^": _pow,
    "%": lambda a: sympy.Mod(a[0], a[1]),
    "sin": lambda a: sympy.sin(a[0]),
    "cos": lambda a: sympy.cos(a[0]),
    "tan": lambda a: sympy.tan(a[0]),
    "log": lambda a: sympy.log(a[0], 10),
    "ln": lambda a: sympy.log(a[0]),
    "exp": lambda a: sympy.exp(a[0]),
    "sqrt": lambda a: sympy.sqrt(a[0]),
    "abs": lambda a: sympy.Abs(a[0]),
    "floor": lambda a: sympy.floor(a[0]),
    "ceil": lambda a: sympy.ceiling(a[0]),
}


def parse(text, x):
    """Polish (SPEC §2) -> SymPy. Calculus heads come back as tuples ('derive', f, v), ..."""
    stack = [[]]
    heads = []
    tokens = TOKEN.findall(text)
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "(":
            heads.append(tokens[i + 1])
            stack.append([])
            i += 2
            continue
        if t == ")":
            head = heads.pop()
            args = stack.pop()
            if head in ("derive", "integrate", "solve", "="):
                value = (head, *args)
            else:
                value = HEADS[head](args)
            stack[-1].append(value)
        elif INTEGER.match(t):
            stack[-1].append(sympy.Integer(int(t)))
        elif RATIONAL.match(t):
            m = RATIONAL.match(t)
            stack[-1].append(sympy.Rational(int(m.group(1)), int(m.group(2))))
        elif FLOAT.match(t):
            stack[-1].append(sympy.Float(t))
        elif t == "pi":
            stack[-1].append(sympy.pi)
        elif t == "e":
            stack[-1].append(sympy.E)
        elif t == "x":
            stack[-1].append(x)
        else:
            stack[-1].append(sympy.Symbol(t))
        i += 1
    return stack[0][0]


def number(v):
    """A finite real float, or None."""
    try:
        c = complex(v)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None
    if abs(c.imag) > 1e-12 * max(1.0, abs(c.real)) or not math.isfinite(c.real):
        return None
    return c.real


def values_at(expr, x, points):
    out = []
    for p in points:
        try:
            out.append(number(expr.evalf(30, subs={x: sympy.Float(p, 30)})))
        except Exception:  # noqa: BLE001 — any failure to evaluate is "undefined here"
            out.append(None)
    return out


def time_op(problems, warm, call, runs):
    """A warm-up pass, then `runs` timed passes, each in a fresh-but-warm session: the cache
    is cleared, the `warm` problems (same kind, disjoint from the timed ones) are run
    untimed, then the timed problems. Returns (wall times, CPU times, results, failures)."""
    def one_pass():
        clear_cache()
        for p in warm:
            try:
                call(p)
            except Exception:  # noqa: BLE001
                pass
        results = []
        failures = 0
        c0 = time.process_time()
        t0 = time.perf_counter()
        for p in problems:
            try:
                results.append(call(p))
            except Exception as err:  # noqa: BLE001
                results.append(err)
                failures += 1
        return time.perf_counter() - t0, time.process_time() - c0, results, failures

    one_pass()
    walls, cpus = [], []
    results, failures = [], 0
    for _ in range(runs):
        w, c, results, failures = one_pass()
        walls.append(w)
        cpus.append(c)
    return walls, cpus, results, failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--derivative", type=int, default=500)
    ap.add_argument("--antiderivative", type=int, default=200)
    ap.add_argument("--definite", type=int, default=100)
    ap.add_argument("--solve", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--points", default="0.35,0.8,1.3,1.9,2.6")
    ap.add_argument("--check-all", action="store_true",
                    help="cross-check results for every problem of each kind, not only the timed ones (slow)")
    args = ap.parse_args()
    points = [float(p) for p in args.points.split(",")]

    lines = {"derive": [], "integrate": [], "solve": []}
    with open(args.cases, encoding="utf-8") as fh:
        for line in fh:
            kind, polish = line.rstrip("\n").split("\t", 1)
            lines[kind].append(polish)

    def take(kind, n, x):
        """The first n problems, and the next n (at most) as the disjoint warm-up set."""
        return [parse(s, x) for s in lines[kind][:n]], [parse(s, x) for s in lines[kind][n : 2 * n]]

    derive = take("derive", args.derivative, X)
    anti = take("integrate", args.antiderivative, X)
    definite = take("integrate", args.definite, X)
    solve = take("solve", args.solve, XR)

    ops = {}
    check = {}

    def record(name, kind, problems, call, evaluate, x):
        timed, warm = problems
        times, cpu, results, failures = time_op(timed, warm, call, args.runs)
        if args.check_all:  # the rest of the kind, untimed
            for s in lines[kind][len(timed):]:
                try:
                    results.append(call(parse(s, x)))
                except Exception as err:  # noqa: BLE001
                    results.append(err)
        med = statistics.median(times)
        med_cpu = statistics.median(cpu)
        unevaluated = sum(1 for r in results[: len(timed)] if isinstance(r, sympy.Basic) and r.has(sympy.Integral))
        ops[name] = {
            "n": len(timed),
            "warm": len(warm),
            "runs_s": times,
            "cpu_s": cpu,
            "median_s": med,
            "median_cpu_s": med_cpu,
            "ops_per_s": len(timed) / med if med > 0 else None,
            "ops_per_cpu_s": len(timed) / med_cpu if med_cpu > 0 else None,
            "failures": failures,
            "unevaluated": unevaluated,
        }
        out = []
        for r in results:
            if isinstance(r, Exception):
                out.append({"error": f"{type(r).__name__}: {r}"})
            elif isinstance(r, sympy.Basic) and r.has(sympy.Integral):
                out.append({"error": "unevaluated Integral", "text": str(r)})
            else:
                out.append(evaluate(r, x))
        check[name] = out

    def expr_values(r, x):
        return {"text": str(r), "values": values_at(r, x, points)}

    record("derivative", "derive", derive, lambda p: sympy.diff(p[1], p[2]), expr_values, X)
    record("antiderivative", "integrate", anti, lambda p: sympy.integrate(p[1], p[2]), expr_values, X)
    record(
        "definite",
        "integrate",
        definite,
        lambda p: sympy.integrate(p[1], (p[2], p[3], p[4])),
        lambda r, x: {"text": str(r), "value": number(sympy.N(r, 30))},
        X,
    )

    def solve_values(r, x):
        if isinstance(r, list):
            vals = [number(sympy.N(s, 30)) for s in r]
            return {"text": str(r), "solutions": sorted(v for v in vals if v is not None),
                    "nonreal": sum(1 for v in vals if v is None)}
        return {"text": str(r), "error": "not a list of solutions"}

    record("solve", "solve", solve, lambda p: sympy.solve(sympy.Eq(p[1][1], p[1][2]), p[2]), solve_values, XR)

    from sympy.external.gmpy import GROUND_TYPES

    json.dump(
        {
            "sympy": sympy.__version__,
            "python": platform.python_version(),
            "ground_types": GROUND_TYPES,
            "runs": args.runs,
            "points": points,
            "ops": ops,
            "check": check,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
