/**
 * How the CLI prints results (documented in docs/cli.md):
 *
 * - value-producing commands (eval, integrate with bounds, solve) print an Integer as
 *   is, a Rational as `n/d ≈ decimal` (or `n/d = decimal` when the decimal is exact), a
 *   Float in its shortest round-trip form, and a closed symbolic value as
 *   `form ≈ decimal`;
 * - form-producing commands (simplify, derive, integrate without bounds) print the
 *   canonical Polish form.
 *
 * Forms are printed by `show`: Polish by default, infix with `--infix`.
 */
import { Effect } from "effect"
import type { Expr } from "../domain/Expr.js"
import { freeSymbols, isNumber, numberValue, rationalToNumber } from "../domain/Expr.js"
import { formatFloat, print } from "../domain/Polish.js"
import type { DefiniteIntegral, SolveResult } from "../services/Engine.js"
import { Engine } from "../services/Engine.js"

/** Significant digits of the decimal shown beside an exact value. */
export const DECIMAL_DIGITS = 10

/** `x` to DECIMAL_DIGITS significant digits, without trailing zeros: 0.3333333333, 1.5, 1.23456789e21. */
export const approximate = (x: number): string => {
  const s = x.toPrecision(DECIMAL_DIGITS)
  const e = s.indexOf("e")
  let mantissa = e < 0 ? s : s.slice(0, e)
  const exponent = e < 0 ? "" : s.slice(e).replace("e+", "e")
  if (mantissa.includes(".")) mantissa = mantissa.replace(/0+$/, "").replace(/\.$/, "")
  return mantissa === "-0" ? "0" : mantissa + exponent
}

/** The exact value of a decimal literal such as "-1.25e-3", as num/den. */
const decimalToFraction = (s: string): readonly [bigint, bigint] => {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(s)
  if (m === null) return [0n, 0n]
  const frac = m[3] ?? ""
  let num = BigInt((m[2] ?? "0") + frac) * (m[1] === "-" ? -1n : 1n)
  let den = 10n ** BigInt(frac.length)
  const exp = Number(m[4] ?? "0")
  if (exp >= 0) num *= 10n ** BigInt(exp)
  else den *= 10n ** BigInt(-exp)
  return [num, den]
}

/** `1/3 ≈ 0.3333333333`, `1/8 = 0.125`; just `n/d` when it is too large for a double. */
export const formatRational = (num: bigint, den: bigint): string => {
  const text = `${num}/${den}`
  const x = rationalToNumber(num, den)
  if (!Number.isFinite(x)) return text
  const dec = approximate(x)
  const [p, q] = decimalToFraction(dec)
  return `${text} ${q !== 0n && p * den === q * num ? "=" : "≈"} ${dec}`
}

/** A number node as the CLI shows it, or undefined for anything else. */
export const formatNumber = (e: Expr): string | undefined => {
  switch (e._tag) {
    case "Integer":
      return e.value.toString()
    case "Rational":
      return formatRational(e.num, e.den)
    case "Float":
      return formatFloat(e.value)
    default:
      return undefined
  }
}

const calculusHeads: ReadonlySet<string> = new Set(["derive", "integrate", "solve", "="])
const hasCalculus = (e: Expr): boolean =>
  e._tag === "Fn" ? calculusHeads.has(e.fn) || e.args.some(hasCalculus) : e._tag === "Op" && e.args.some(hasCalculus)

/** A value: a number as `formatNumber`, a closed form as `form ≈ decimal`, anything else as its form. */
export const formatValue = (e: Expr, show?: (e: Expr) => string): Effect.Effect<string, never, Engine> =>
  Effect.gen(function* () {
    const n = formatNumber(e)
    if (n !== undefined) return n
    const engine = yield* Engine
    const form = (show ?? engine.print)(e)
    if (freeSymbols(e).length > 0 || hasCalculus(e)) return form
    const value = yield* Effect.option(engine.evaluate(e))
    if (value._tag === "None" || !isNumber(value.value)) return form
    const v = value.value
    const x = numberValue(v) ?? NaN
    return Number.isFinite(x) ? `${form} ≈ ${approximate(x)}` : form
  })

/** A form (derivative, antiderivative, simplified expression): its canonical Polish text (or `show`'s). */
export const formatForm = (e: Expr, show: (e: Expr) => string = print): string => show(e)

/** All roots comma-separated on one line; `no solution`; `all real numbers`. */
export const formatSolutions = (r: SolveResult, show?: (e: Expr) => string): Effect.Effect<string, never, Engine> => {
  switch (r._tag) {
    case "NoSolution":
      return Effect.succeed("no solution")
    case "AllReals":
      return Effect.succeed("all real numbers")
    case "Solutions":
      return r.values.length === 0
        ? Effect.succeed("no solution")
        : Effect.map(Effect.forEach(r.values, (v) => formatValue(v, show)), (xs) => xs.join(", "))
  }
}

/**
 * The exact value with its decimal; without an exact value `≈ decimal`, marked
 * `(quadrature)` when no antiderivative was used.
 */
export const formatDefinite = (r: DefiniteIntegral, show?: (e: Expr) => string): Effect.Effect<string, never, Engine> => {
  if (r.exact === undefined)
    return Effect.succeed(`≈ ${approximate(r.value)}${r.method === "quadrature" ? " (quadrature)" : ""}`)
  const exact = r.exact
  const n = formatNumber(exact)
  if (n !== undefined) return Effect.succeed(n)
  return Effect.map(Engine, (engine) =>
    Number.isFinite(r.value) ? `${(show ?? engine.print)(exact)} ≈ ${approximate(r.value)}` : (show ?? engine.print)(exact)
  )
}
