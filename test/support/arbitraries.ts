/** fast-check generators of expressions for the property tests. */
import fc from "fast-check"
import type { Expr, FunctionName, Operator } from "../../src/domain/Expr.js"
import { functions, operators, rational } from "../../src/domain/Expr.js"

const integer = fc.bigInt({ min: -50n, max: 50n }).map((value): Expr => ({ _tag: "Integer", value }))
const smallPositive = fc.integer({ min: 1, max: 9 }).map((n): Expr => ({ _tag: "Integer", value: BigInt(n) }))
const rationalArb = fc
  .tuple(fc.bigInt({ min: -20n, max: 20n }), fc.bigInt({ min: 2n, max: 12n }))
  .map(([n, d]) => rational(n, d))
/** Floats on a 1e-6 grid: subnormal inputs have no relative precision to test against. */
export const gridDouble = (lo: number, hi: number) =>
  fc.double({ min: lo, max: hi, noNaN: true }).map((v) => Math.round(v * 1e6) / 1e6 + 0)
const floatArb = gridDouble(-100, 100).map((value): Expr => ({ _tag: "Float", value }))

/** Any syntactically valid Expr, for parse/print and graph round trips. */
export const anyExpr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    integer,
    fc.bigInt().map((value): Expr => ({ _tag: "Integer", value })),
    rationalArb,
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((value): Expr => ({ _tag: "Float", value })),
    fc.constantFrom("x", "y", "z", "pi", "e", "a_1", "theta").map((name): Expr => ({ _tag: "Symbol", name })),
    fc
      .tuple(fc.constantFrom<Operator>(...operators), fc.array(tie("e"), { minLength: 2, maxLength: 4 }))
      .map(([op, args]): Expr => ({ _tag: "Op", op, args: op === "%" ? args.slice(0, 2) : args })),
    tie("e").map((a): Expr => ({ _tag: "Op", op: "-", args: [a] })),
    fc
      .tuple(fc.constantFrom<FunctionName>(...functions.filter((f) => !["derive", "integrate", "solve", "="].includes(f))), tie("e"))
      .map(([fn, a]): Expr => ({ _tag: "Fn", fn, args: [a] })),
    fc.tuple(tie("e"), tie("e")).map(([a, b]): Expr => ({ _tag: "Fn", fn: "=", args: [a, b] })),
    tie("e").map((a): Expr => ({ _tag: "Fn", fn: "derive", args: [a, { _tag: "Symbol", name: "x" }] })),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([f, a, b]): Expr => ({ _tag: "Fn", fn: "integrate", args: [f, { _tag: "Symbol", name: "x" }, a, b] }))
  )
})).e

const leafOver = (vars: ReadonlyArray<string>, withFloats: boolean) =>
  fc.oneof(
    smallPositive,
    integer,
    rationalArb,
    ...(withFloats ? [floatArb] : []),
    fc.constantFrom(...vars).map((name): Expr => ({ _tag: "Symbol", name }))
  )

/**
 * Real-valued expressions in the given variables, of the kinds the engine simplifies
 * and differentiates: + − × ÷, powers with small integer or half exponents, and the
 * elementary functions.
 */
export const realExpr = (vars: ReadonlyArray<string> = ["x", "y"], maxDepth = 4, withFloats = false): fc.Arbitrary<Expr> =>
  fc.letrec<{ e: Expr }>((tie) => ({
    e: fc.oneof(
      { maxDepth, depthSize: "small", withCrossShrink: true },
      leafOver(vars, withFloats),
      fc
        .tuple(fc.constantFrom<Operator>("+", "*", "-"), fc.array(tie("e"), { minLength: 2, maxLength: 3 }))
        .map(([op, args]): Expr => ({ _tag: "Op", op, args })),
      fc.tuple(tie("e"), tie("e")).map(([a, b]): Expr => ({ _tag: "Op", op: "/", args: [a, b] })),
      tie("e").map((a): Expr => ({ _tag: "Op", op: "-", args: [a] })),
      fc
        .tuple(tie("e"), fc.constantFrom(-2n, -1n, 0n, 1n, 2n, 3n))
        .map(([a, n]): Expr => ({ _tag: "Op", op: "^", args: [a, { _tag: "Integer", value: n }] })),
      fc
        .tuple(tie("e"), fc.constantFrom<Expr>(rational(1n, 2n), rational(3n, 2n), rational(-1n, 2n)))
        .map(([a, n]): Expr => ({ _tag: "Op", op: "^", args: [a, n] })),
      fc
        .tuple(fc.constantFrom<FunctionName>("sin", "cos", "tan", "exp", "ln", "sqrt", "log", "abs"), tie("e"))
        .map(([fn, a]): Expr => ({ _tag: "Fn", fn, args: [a] }))
    )
  })).e
