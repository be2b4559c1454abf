import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { type Expr, rational } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import { evaluate } from "../../src/layers/engine/evaluate.js"
import { solve } from "../../src/layers/engine/solve.js"
import { EngineError, type SolveResult } from "../../src/services/Engine.js"
import { floatEval } from "../support/floatEval.js"

const P = (text: string): Expr => Either.getOrThrow(parse(text))
const show = (r: SolveResult): string =>
  r._tag === "Solutions" ? `{${r.values.map(print).join(", ")}}` : r._tag
const solveText = (text: string) => show(solve(P(text), "x"))
const failure = (f: () => unknown): EngineError => {
  try {
    f()
  } catch (e) {
    if (e instanceof EngineError) return e
    throw e
  }
  throw new Error("expected an EngineError")
}

/** Exact fractions, the test's own (independent of the engine's numbers). */
class Frac {
  constructor(readonly n: bigint, readonly d: bigint) {}
  static of(n: bigint, d = 1n): Frac {
    if (d < 0n) [n, d] = [-n, -d]
    const g = gcd(n < 0n ? -n : n, d)
    return new Frac(n / g, d / g)
  }
  add(o: Frac) {
    return Frac.of(this.n * o.d + o.n * this.d, this.d * o.d)
  }
  neg() {
    return Frac.of(-this.n, this.d)
  }
  mul(o: Frac) {
    return Frac.of(this.n * o.n, this.d * o.d)
  }
  div(o: Frac) {
    return Frac.of(this.n * o.d, this.d * o.n)
  }
  get isZero() {
    return this.n === 0n
  }
  toString() {
    return this.d === 1n ? `${this.n}` : `${this.n}/${this.d}`
  }
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a === 0n ? 1n : a) : gcd(b, a % b))
const ZERO = Frac.of(0n)

/** A random expression that is linear in x, with its linear form a·x + b tracked by the test. */
interface Linear {
  readonly expr: Expr
  readonly a: Frac
  readonly b: Frac
}

const op = (o: "+" | "-" | "*" | "/", ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op: o, args })
const integer = (n: number): Expr => ({ _tag: "Integer", value: BigInt(n) })
const nonZero = fc.integer({ min: -6, max: 6 }).filter((n) => n !== 0)

const linearTree: fc.Arbitrary<Linear> = fc.letrec<{ t: Linear }>((tie) => ({
  t: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    fc.constant<Linear>({ expr: { _tag: "Symbol", name: "x" }, a: Frac.of(1n), b: ZERO }),
    fc.integer({ min: -9, max: 9 }).map((n): Linear => ({ expr: integer(n), a: ZERO, b: Frac.of(BigInt(n)) })),
    fc.array(tie("t"), { minLength: 2, maxLength: 3 }).map((ts): Linear => ({
      expr: op("+", ...ts.map((t) => t.expr)),
      a: ts.reduce((s, t) => s.add(t.a), ZERO),
      b: ts.reduce((s, t) => s.add(t.b), ZERO)
    })),
    fc.tuple(tie("t"), tie("t")).map(([l, r]): Linear => ({ expr: op("-", l.expr, r.expr), a: l.a.add(r.a.neg()), b: l.b.add(r.b.neg()) })),
    tie("t").map((t): Linear => ({ expr: op("-", t.expr), a: t.a.neg(), b: t.b.neg() })),
    fc.tuple(nonZero, tie("t"), fc.boolean()).map(([c, t, left]): Linear => ({
      expr: left ? op("*", integer(c), t.expr) : op("*", t.expr, integer(c)),
      a: t.a.mul(Frac.of(BigInt(c))),
      b: t.b.mul(Frac.of(BigInt(c)))
    })),
    // A product of a constant subtree and a linear one: (* (+ 2 3) (- x 1)).
    fc.tuple(tie("t"), tie("t")).map(([l, r]): Linear => {
      const [k, t] = l.a.isZero ? [l, r] : [r, { expr: op("-", l.expr, l.expr), a: ZERO, b: ZERO }]
      return { expr: op("*", k.expr, t.expr), a: t.a.mul(k.b), b: t.b.mul(k.b) }
    }),
    fc.tuple(tie("t"), nonZero).map(([t, c]): Linear => ({
      expr: op("/", t.expr, integer(c)),
      a: t.a.div(Frac.of(BigInt(c))),
      b: t.b.div(Frac.of(BigInt(c)))
    }))
  )
})).t

const equation = (l: Expr, r: Expr): Expr => ({ _tag: "Fn", fn: "=", args: [l, r] })

describe("solve", () => {
  it.each([
    ["(= (+ (* 2 x) 5) 13)", "{4}"],
    ["(= (* 3 (- x 2)) (+ x 4))", "{5}"],
    ["(= (/ (+ x 1) 2) (- 5 x))", "{3}"],
    ["(= (- (* 2 x) 1) (+ x (/ 1 3)))", "{4/3}"],
    ["(+ x 7)", "{-7}"],
    ["(= x x)", "AllReals"],
    ["(= (* 2 (+ x 1)) (+ (* 2 x) 2))", "AllReals"],
    ["(= x (+ x 1))", "NoSolution"],
    ["(= (* x x) -1)", "NoSolution"],
    ["(= (+ (^ x 2) x 1) 0)", "NoSolution"],
    ["(= (* x x) 4)", "{-2, 2}"],
    ["(= (^ x 2) 0)", "{0}"],
    ["(= (* 2 (- x 1) (- x 3)) 0)", "{1, 3}"],
    ["(= (* x x) 2)", "{(- (sqrt 2)), (sqrt 2)}"],
    ["(= (- (^ x 2) (* 2 x)) 1)", "{(- 1 (sqrt 2)), (+ (sqrt 2) 1)}"],
    ["(= (/ 1 x) 2)", "{1/2}"],
    ["(= (+ (/ 1 x) (/ 1 x)) 1)", "{2}"],
    ["(= (/ (- (^ x 2) 1) (- x 1)) 2)", "NoSolution"],
    ["(= (^ x 3) 8)", "{2}"],
    ["(= (- (^ x 3) x) 0)", "{-1, 0, 1}"],
    ["(= (+ x y) (+ 3 y))", "{3}"],
    ["(= (* 0.5 x) 1)", "{2.0}"]
  ])("%s → %s", (eq, expected) => {
    expect(solveText(eq)).toBe(expected)
  })

  it.each([
    ["(= (sin x) 0)", "sin"],
    ["(= (+ x y) 3)", "other unknowns (y)"],
    ["(= (^ x 3) 2)", "degree 3"],
    ["(= (/ x x) 1)", "divisor"],
    ["(= (^ 2 x) 8)", "exponent"],
    ["(= (sqrt x) 3)", "sqrt"]
  ])("%s is CannotSolve with a message naming the problem", (eq, words) => {
    const e = failure(() => solve(P(eq), "x"))
    expect(e.reason).toBe("CannotSolve")
    expect(e.message).toContain(words)
  })

  it.prop(
    "a random linear equation with a unique solution: the test's root, satisfied by exact substitution",
    [linearTree, linearTree],
    ([l, r]) => {
      const slope = l.a.add(r.a.neg())
      fc.pre(!slope.isZero)
      const expected = r.b.add(l.b.neg()).div(slope)
      const result = solve(equation(l.expr, r.expr), "x")
      expect(show(result)).toBe(`{${expected}}`)
      const root = (result as Extract<SolveResult, { _tag: "Solutions" }>).values[0] as Expr
      const bindings = [["x", root]] as const
      expect(print(evaluate(l.expr, bindings))).toBe(print(evaluate(r.expr, bindings)))
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "equal slopes: NoSolution or AllReals",
    [linearTree, linearTree, fc.integer({ min: -3, max: 3 })],
    ([l, r, shift]) => {
      // Give the right side the left side's slope: r + (a_l − a_r)·x + shift.
      const da = l.a.add(r.a.neg())
      const fixed = op("+", r.expr, op("*", rational(da.n, da.d), { _tag: "Symbol", name: "x" }), integer(shift))
      const same = l.b.add(r.b.neg()).add(Frac.of(BigInt(-shift))).isZero
      expect(show(solve(equation(l.expr, fixed), "x"))).toBe(same ? "AllReals" : "NoSolution")
    },
    { fastCheck: { numRuns: 150 } }
  )

  it.prop(
    "a·(x − r1)(x − r2), expanded by the test, has exactly the roots {r1, r2}",
    [
      fc.integer({ min: -5, max: 5 }).filter((a) => a !== 0),
      fc.integer({ min: -12, max: 12 }),
      fc.integer({ min: -12, max: 12 }),
      fc.boolean()
    ],
    ([a, r1, r2, moveConstant]) => {
      const B = -a * (r1 + r2)
      const C = a * r1 * r2
      const x: Expr = { _tag: "Symbol", name: "x" }
      const square = op("*", integer(a), { _tag: "Op", op: "^", args: [x, integer(2)] })
      const eq = moveConstant
        ? equation(op("+", square, op("*", integer(B), x)), integer(-C))
        : equation(op("+", square, op("*", integer(B), x), integer(C)), integer(0))
      const roots = [...new Set([r1, r2])].sort((p, q) => p - q)
      expect(show(solve(eq, "x"))).toBe(`{${roots.join(", ")}}`)
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "a quadratic with an irrational discriminant: two exact surd roots, ascending, that satisfy it",
    [
      fc.integer({ min: -6, max: 6 }).filter((a) => a !== 0),
      fc.integer({ min: -20, max: 20 }),
      fc.integer({ min: -20, max: 20 })
    ],
    ([a, b, c]) => {
      const disc = b * b - 4 * a * c
      fc.pre(disc > 0 && !Number.isInteger(Math.sqrt(disc)))
      const eq = P(`(= (+ (* ${a} (^ x 2)) (* ${b} x) ${c}) 0)`)
      const result = solve(eq, "x")
      expect(result._tag).toBe("Solutions")
      const values = (result as Extract<SolveResult, { _tag: "Solutions" }>).values
      expect(values).toHaveLength(2)
      const xs = values.map((v) => floatEval(v))
      expect(xs[0] as number).toBeLessThan(xs[1] as number)
      for (const [i, v] of values.entries()) {
        expect(print(v)).toContain("sqrt")
        expect(print(v)).not.toMatch(/\d\.\d/) // exact, no floats
        const r = xs[i] as number
        expect(Math.abs(a * r * r + b * r + c)).toBeLessThan(1e-9 * (Math.abs(a) * r * r + Math.abs(b * r) + Math.abs(c) + 1))
      }
      const expected = [(-b - Math.sqrt(disc)) / (2 * a), (-b + Math.sqrt(disc)) / (2 * a)].sort((p, q) => p - q)
      xs.forEach((x, i) => expect(x).toBeCloseTo(expected[i] as number, 9))
    },
    { fastCheck: { numRuns: 200 } }
  )

  it.prop(
    "a quadratic with a negative discriminant has no real solution",
    [fc.integer({ min: 1, max: 6 }), fc.integer({ min: -9, max: 9 }), fc.integer({ min: 1, max: 20 }), fc.boolean()],
    ([a, p, k, flip]) => {
      // s·(a(x − p)² + k), s = ±1: never zero.
      const s = flip ? -1 : 1
      const eq = P(`(= (* ${s} (+ (* ${a} (^ (- x ${p}) 2)) ${k})) 0)`)
      expect(show(solve(eq, "x"))).toBe("NoSolution")
    },
    { fastCheck: { numRuns: 100 } }
  )
})
