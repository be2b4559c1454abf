/**
 * A small, predictable Engine for the CLI tests: the real Polish parser and printer, an
 * exact evaluator for + - * / ^ over integers and rationals, and tables for the calculus.
 * The CLI is tested against this fake (its behaviour is fixed here); live.test.ts runs
 * the documented examples against EngineLive.
 */
import { Effect, Either, Layer } from "effect"
import type { Expr } from "../../src/domain/Expr.js"
import { freeSymbols, int, rational } from "../../src/domain/Expr.js"
import { parse, print } from "../../src/domain/Polish.js"
import type { Bindings, SolveResult } from "../../src/services/Engine.js"
import { Engine, EngineError } from "../../src/services/Engine.js"

type Q = readonly [bigint, bigint]
const fail = (reason: EngineError["reason"], message: string): never => {
  throw new EngineError({ reason, message })
}
const toQ = (e: Expr): Q =>
  e._tag === "Integer" ? [e.value, 1n] : e._tag === "Rational" ? [e.num, e.den] : fail("NotNumeric", `not exact: ${print(e)}`)
const fromQ = ([n, d]: Q): Expr => {
  if (d === 0n) return fail("DivisionByZero", "division by zero")
  return rational(n, d)
}

const evalQ = (e: Expr, env: ReadonlyMap<string, Expr>): Q => {
  switch (e._tag) {
    case "Integer":
    case "Rational":
      return toQ(e)
    case "Float":
      return fail("NotNumeric", "floats are not supported by the fake")
    case "Symbol": {
      const v = env.get(e.name)
      return v === undefined ? fail("Unbound", `unbound symbol "${e.name}"`) : toQ(v)
    }
    case "Fn":
      return fail("NotNumeric", `the fake cannot evaluate ${e.fn}`)
    case "Op": {
      const xs = e.args.map((a) => evalQ(a, env))
      const [first, ...rest] = xs as [Q, ...Array<Q>]
      switch (e.op) {
        case "+":
          return xs.reduce(([a, b], [c, d]) => [a * d + c * b, b * d], [0n, 1n] as Q)
        case "*":
          return xs.reduce(([a, b], [c, d]) => [a * c, b * d], [1n, 1n] as Q)
        case "-":
          return rest.length === 0 ? [-first[0], first[1]] : rest.reduce(([a, b], [c, d]) => [a * d - c * b, b * d], first)
        case "/":
          return rest.reduce(([a, b], [c, d]) => {
            if (c === 0n) fail("DivisionByZero", "division by zero")
            return [a * d, b * c]
          }, first)
        case "^": {
          const [b, x] = xs as [Q, Q]
          if (x[1] !== 1n) return fail("NotNumeric", "non-integer exponent")
          const k = x[0] < 0n ? -x[0] : x[0]
          const p: Q = [b[0] ** k, b[1] ** k]
          return x[0] < 0n ? [p[1], p[0]] : p
        }
        case "%":
          return fail("NotNumeric", "no % in the fake")
      }
    }
  }
}

const toMap = (b: Bindings | undefined): ReadonlyMap<string, Expr> => {
  const m = new Map<string, Expr>()
  if (b === undefined) return m
  for (const [k, v] of b) m.set(k, typeof v === "number" ? (Number.isInteger(v) ? int(v) : fail("NotNumeric", "float binding")) : v)
  return m
}

const p = (s: string): Expr => Either.getOrThrow(parse(s))

const derivatives: Record<string, Record<string, string>> = {
  "(^ x 2)": { x: "(* 2 x)" },
  "(^ t 3)": { t: "(* 3 (^ t 2))" },
  "(* a x)": { x: "a", a: "x" },
  "(sin x)": { x: "(cos x)" }
}
const antiderivatives: Record<string, string> = {
  "(^ x 2)": "(* 1/3 (^ x 3))",
  x: "(* 1/2 (^ x 2))",
  "(exp x)": "(exp x)"
}
const definite: Record<string, { exact?: string; value: number }> = {
  "(^ x 2) 0 1": { exact: "1/3", value: 1 / 3 },
  "x 0 2": { exact: "2", value: 2 },
  "(exp x) 0 1": { exact: "(- e 1)", value: Math.E - 1 },
  "(exp (^ x 2)) 0 1": { value: 1.4626517459071815 }
}
const solutions: Record<string, SolveResult> = {
  "(= (+ (* 2 x) 5) 13)": { _tag: "Solutions", values: [int(4)] },
  "(= (^ x 2) 4)": { _tag: "Solutions", values: [int(-2), int(2)] },
  "(= (* 3 x) 1)": { _tag: "Solutions", values: [rational(1n, 3n)] },
  "(= (+ x 1) x)": { _tag: "NoSolution" },
  "(= (+ x x) (* 2 x))": { _tag: "AllReals" },
  "(= (* 2 y) 4)": { _tag: "Solutions", values: [int(2)] },
  "(= (^ x 2) 2)": { _tag: "Solutions", values: [p("(- (sqrt 2))"), p("(sqrt 2)")] }
}

const attempt = <A>(f: () => A): Effect.Effect<A, EngineError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (e instanceof EngineError) return Effect.fail(e)
      throw e
    }
  })

const evaluate = (e: Expr, b?: Bindings): Expr => {
  if (print(e) === "(sqrt 2)") return { _tag: "Float", value: Math.SQRT2 }
  if (print(e) === "(- (sqrt 2))") return { _tag: "Float", value: -Math.SQRT2 }
  if (print(e) === "(- e 1)") return { _tag: "Float", value: Math.E - 1 }
  return fromQ(evalQ(e, toMap(b)))
}
const derive = (e: Expr, v: string): Expr => {
  const r = derivatives[print(e)]?.[v]
  return r === undefined ? fail("NotNumeric", `the fake cannot derive ${print(e)}`) : p(r)
}
const antiderivative = (e: Expr, v: string): Expr => {
  const r = v === "x" ? antiderivatives[print(e)] : undefined
  return r === undefined ? fail("CannotIntegrate", `no antiderivative found for ${print(e)}`) : p(r)
}
const solve = (eq: Expr, v: string): SolveResult => {
  const r = solutions[print(eq)]
  return r === undefined || (v !== "x" && v !== "y") ? fail("CannotSolve", `cannot solve ${print(eq)} for ${v}`) : r
}

export const FakeEngine = Layer.succeed(
  Engine,
  Engine.of({
    parse: (text) =>
      Either.match(parse(text), {
        onLeft: (e) => Effect.fail(new EngineError({ reason: "Parse", message: e.message })),
        onRight: Effect.succeed
      }),
    print,
    evaluate: (e, b) => attempt(() => evaluate(e, b)),
    simplify: (e) => attempt(() => (freeSymbols(e).length === 0 ? evaluate(e) : e)),
    derive: (e, v) => attempt(() => derive(e, v)),
    antiderivative: (e, v) => attempt(() => antiderivative(e, v)),
    definiteIntegral: (e, v, a, b) =>
      attempt(() => {
        const r = definite[`${print(e)} ${print(a)} ${print(b)}`]
        if (r === undefined || v !== "x") return fail("CannotIntegrate", "not in the fake's table")
        return r.exact === undefined
          ? { exact: undefined, value: r.value, method: "quadrature" as const }
          : { exact: p(r.exact), value: r.value, method: "antiderivative" as const }
      }),
    solve: (eq, v) => attempt(() => solve(eq, v)),
    equivalent: (a, b) => Effect.succeed(print(a) === print(b)),
    run: (e, b) =>
      attempt(() => {
        if (e._tag === "Fn" && e.fn === "derive") return derive(e.args[0] as Expr, print(e.args[1] as Expr))
        if (e._tag === "Fn" && e.fn === "solve") {
          const r = solve(e.args[0] as Expr, print(e.args[1] as Expr))
          return r._tag === "Solutions" && r.values.length === 1 ? (r.values[0] as Expr) : fail("NotNumeric", "several")
        }
        const env = toMap(b)
        return freeSymbols(e).every((s) => env.has(s)) ? evaluate(e, b) : e
      })
  })
)
