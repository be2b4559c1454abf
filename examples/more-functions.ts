/**
 * A plugin level that teaches calculus the built-in levels 5–6 never show: derivatives and
 * definite integrals with tan, sqrt and log (base 10), chain rules with non-linear inner
 * arguments (sin(x²), exp(sin x)), products and quotients of functions, and integrals
 * that need integration by parts or by substitution. Level 8 (like examples/custom-level.ts: load one of the two); every line carries its
 * `family`, and `grapheme validate --model … --data …` reports accuracy family by family.
 *
 *   [curriculum]
 *   plugins = ["./examples/more-functions.ts"]
 *
 * The brain has no code for any of these: what it learns here it learns from this data and
 * its own evaluator (the Engine computes and verifies the answers, as for any level).
 */
import type { Expr } from "../src/domain/Expr.js"
import { fn, int, op, sym } from "../src/domain/Expr.js"
import type { Rng } from "../src/domain/Random.js"
import type { CurriculumLevel, Problem } from "../src/services/CurriculumLevel.js"

const x = sym("x")
const n = (k: number): Expr => int(k)
/** k·x, written x when k = 1. */
const kx = (k: number): Expr => (k === 1 ? x : op("*", n(k), x))
/** c·e, written e when c = 1. */
const scaled = (c: number, e: Expr): Expr => (c === 1 ? e : op("*", n(c), e))

type Family = (rng: Rng) => { readonly f: Expr; readonly integrate?: readonly [number, number] }

/** (derive f x) for each family's f; (integrate f x a b) where the family gives bounds. */
const FAMILIES: Record<string, Family> = {
  derive_tan: (rng) => ({ f: rng.pick([fn("tan", kx(rng.int(1, 4))), scaled(rng.int(2, 9), fn("tan", x)), fn("tan", op("+", x, n(rng.int(1, 9))))]) }),
  derive_sqrt: (rng) => ({ f: rng.pick([fn("sqrt", kx(rng.int(1, 9))), fn("sqrt", op("+", x, n(rng.int(1, 9)))), scaled(rng.int(2, 9), fn("sqrt", x))]) }),
  derive_log: (rng) => ({ f: rng.pick([fn("log", kx(rng.int(1, 9))), scaled(rng.int(2, 9), fn("log", x)), fn("log", op("^", x, n(rng.int(2, 4))))]) }),
  derive_chain: (rng) => {
    const outer = rng.pick(["sin", "cos", "exp"] as const)
    const inner = rng.pick([op("^", x, n(rng.int(2, 4))), fn(rng.pick(["sin", "cos"] as const), x), op("+", op("^", x, n(2)), n(rng.int(1, 9)))])
    return { f: fn(outer, inner) }
  },
  derive_product: (rng) => {
    const a = rng.pick([x, op("^", x, n(rng.int(2, 4))), fn("exp", x)])
    const b = rng.pick([fn("sin", kx(rng.int(1, 3))), fn("cos", x), fn("ln", x), fn("sqrt", x)])
    return { f: op("*", a, b) }
  },
  derive_quotient: (rng) => {
    const a = rng.pick([fn("sin", x), fn("exp", x), x, op("^", x, n(2))])
    const b = rng.pick([x, op("+", x, n(rng.int(1, 9))), op("^", x, n(rng.int(2, 3))), fn("exp", x)])
    return { f: op("/", a, b) }
  },
  integrate_new_functions: (rng) => {
    const lo = rng.int(1, 4)
    return { f: rng.pick([fn("sqrt", kx(rng.int(1, 4))), scaled(rng.int(2, 9), fn("sqrt", x)), fn("log", kx(rng.int(1, 4)))]), integrate: [lo, lo + rng.int(1, 5)] }
  },
  integrate_by_parts: (rng) => {
    const lo = rng.int(0, 2)
    return { f: op("*", rng.pick([x, kx(rng.int(2, 5))]), rng.pick([fn("exp", x), fn("sin", x), fn("cos", x)])), integrate: [lo, lo + rng.int(1, 3)] }
  },
  integrate_by_substitution: (rng) => {
    const lo = rng.int(0, 1)
    const k = rng.int(2, 4)
    return {
      f: rng.pick([
        op("*", op("*", n(k), op("^", x, n(k - 1))), fn(rng.pick(["cos", "sin", "exp"] as const), op("^", x, n(k)))),
        op("*", fn("cos", x), fn("exp", fn("sin", x))),
        op("*", x, fn("exp", op("^", x, n(2))))
      ]),
      integrate: [lo, lo + 1]
    }
  }
}
const NAMES = Object.keys(FAMILIES)

export const moreFunctions: CurriculumLevel = {
  level: 8,
  name: "more functions",
  skill: "derivatives and definite integrals with tan, sqrt, log, non-linear chain rules, products, quotients, by parts and by substitution",
  samples: 6_000,
  output: "number+expression",
  module: import.meta.url,
  generate: (rng): Problem => {
    const family = rng.pick(NAMES)
    const { f, integrate } = (FAMILIES[family] as Family)(rng)
    const input = integrate === undefined ? fn("derive", f, x) : fn("integrate", f, x, n(integrate[0]), n(integrate[1]))
    return { input, extra: { family } }
  },
  conforms: (p) => {
    const e = p.input
    const family = p.extra?.["family"]
    if (typeof family !== "string" || !NAMES.includes(family)) return "no known family"
    return e._tag === "Fn" && (e.fn === "derive" || e.fn === "integrate") && (p.bindings ?? []).length === 0 ? undefined : "not (derive f x) or (integrate f x a b)"
  }
}

export default moreFunctions
