/**
 * A plugin level that teaches calculus the built-in levels 5–6 never show: values,
 * derivatives and definite integrals with tan, sqrt and log (base 10), chain rules with non-linear inner
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

/** a · b or b · a, at random: a product's skill does not depend on which factor comes first. */
const eitherOrder = (rng: Rng, a: Expr, b: Expr): Expr => (rng.bool(0.5) ? op("*", a, b) : op("*", b, a))

type Family = (rng: Rng) => { readonly f: Expr; readonly integrate?: readonly [number, number] }

/** k·x + c, leaving out c = 0. */
const linear = (k: number, c: number): Expr => (c === 0 ? kx(k) : op("+", kx(k), n(c)))
const bounds = (rng: Rng, lo: readonly [number, number], width: readonly [number, number]): readonly [number, number] => {
  const a = rng.int(lo[0], lo[1])
  return [a, a + rng.int(width[0], width[1])]
}

/** (derive f x) for each family's f; (integrate f x a b) where the family gives bounds. */
const FAMILIES: Record<string, Family> = {
  values: (rng) => {
    const tan = fn("tan", op("/", n(rng.int(-12, 12)), n(10)))
    const root = fn("sqrt", n(rng.int(2, 99)))
    const log = fn("log", n(rng.int(2, 999)))
    const [a, b] = [rng.pick([tan, root, log]), rng.pick([tan, root, log])]
    return { f: op(rng.pick(["+", "-", "*"] as const), scaled(rng.int(1, 9), a), b) }
  },
  derive_tan: (rng) => ({ f: scaled(rng.int(1, 9), fn("tan", linear(rng.int(1, 5), rng.int(0, 9)))) }),
  derive_sqrt: (rng) => ({ f: scaled(rng.int(1, 9), fn("sqrt", linear(rng.int(1, 9), rng.int(0, 9)))) }),
  derive_log: (rng) => ({ f: scaled(rng.int(1, 9), fn("log", rng.bool(0.8) ? linear(rng.int(1, 9), rng.int(0, 9)) : op("^", x, n(rng.int(2, 5))))) }),
  derive_chain: (rng) => {
    const outer = rng.pick(["sin", "cos", "exp"] as const)
    const inner = rng.pick([
      scaled(rng.int(1, 5), op("^", x, n(rng.int(2, 4)))),
      fn(rng.pick(["sin", "cos"] as const), kx(rng.int(1, 5))),
      op("+", op("^", x, n(2)), n(rng.int(1, 9)))
    ])
    return { f: scaled(rng.int(1, 5), fn(outer, inner)) }
  },
  derive_product: (rng) => {
    const a = rng.pick([kx(rng.int(1, 9)), op("^", x, n(rng.int(2, 4))), fn("exp", kx(rng.int(1, 3)))])
    const b = rng.pick([fn("sin", kx(rng.int(1, 5))), fn("cos", kx(rng.int(1, 5))), fn("ln", kx(rng.int(1, 5))), fn("sqrt", linear(1, rng.int(0, 9)))])
    return { f: op("*", a, b) }
  },
  derive_quotient: (rng) => {
    const a = rng.pick([fn("sin", kx(rng.int(1, 5))), fn("exp", kx(rng.int(1, 3))), kx(rng.int(1, 9)), op("^", x, n(2))])
    const b = rng.pick([x, linear(1, rng.int(1, 9)), op("^", x, n(rng.int(2, 3))), fn("exp", x)])
    return { f: op("/", a, b) }
  },
  integrate_new_functions: (rng) => ({
    f: scaled(rng.int(1, 9), fn(rng.pick(["sqrt", "log"] as const), linear(rng.int(1, 9), rng.pick([0, 0, rng.int(1, 9)])))),
    integrate: bounds(rng, [1, 4], [1, 5])
  }),
  integrate_by_parts: (rng) => ({
    f: eitherOrder(rng, kx(rng.int(1, 9)), fn(rng.pick(["exp", "sin", "cos"] as const), kx(rng.int(1, 3)))),
    integrate: bounds(rng, [0, 2], [1, 3])
  }),
  integrate_by_substitution: (rng) => {
    const k = rng.int(2, 3)
    const c = rng.int(1, 9)
    const g = rng.pick(["cos", "sin", "exp"] as const)
    return {
      f: rng.pick([
        eitherOrder(rng, scaled(c * k, op("^", x, n(k - 1))), fn(g, op("^", x, n(k)))),
        eitherOrder(rng, scaled(c, fn("cos", x)), fn("exp", fn("sin", x))),
        eitherOrder(rng, kx(2 * c), fn(g, op("^", x, n(2))))
      ]),
      integrate: bounds(rng, [-1, 1], [1, 1])
    }
  }
}
const NAMES = Object.keys(FAMILIES)

export const moreFunctions: CurriculumLevel = {
  level: 8,
  name: "more functions",
  skill: "derivatives and definite integrals with tan, sqrt, log, non-linear chain rules, products, quotients, by parts and by substitution",
  samples: 5_000,
  output: "number+expression",
  module: import.meta.url,
  generate: (rng): Problem => {
    const family = rng.pick(NAMES)
    const { f, integrate } = (FAMILIES[family] as Family)(rng)
    const input = family === "values" ? f : integrate === undefined ? fn("derive", f, x) : fn("integrate", f, x, n(integrate[0]), n(integrate[1]))
    return { input, extra: { family } }
  },
  conforms: (p) => {
    const e = p.input
    const family = p.extra?.["family"]
    if (typeof family !== "string" || !NAMES.includes(family)) return "no known family"
    if ((p.bindings ?? []).length > 0) return "no bindings"
    if (family === "values") return e._tag === "Op" ? undefined : "a value is an operation on function values"
    return e._tag === "Fn" && (e.fn === "derive" || e.fn === "integrate") ? undefined : "not (derive f x) or (integrate f x a b)"
  }
}

export default moreFunctions
