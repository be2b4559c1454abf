/**
 * Symbolic differentiation over every head of SPEC §2, then simplification. The rules
 * build a raw tree (full of 0s and 1s); `simplify` turns it into the canonical form,
 * e.g. (derive (^ x 2) x) → (* 2 x) and (derive (^ x x) x) → x^x·(ln x + 1): the
 * general power rule is used whenever the exponent depends on the variable.
 */
import type { Expr } from "../../domain/Expr.js"
import { contains } from "../../domain/Expr.js"
import { EngineError } from "../../services/Engine.js"
import { simplify } from "./simplify.js"

const ZERO: Expr = { _tag: "Integer", value: 0n }
const ONE: Expr = { _tag: "Integer", value: 1n }
const int = (n: number): Expr => ({ _tag: "Integer", value: BigInt(n) })
const op = (o: "+" | "-" | "*" | "/" | "^", ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op: o, args })
const fn = (f: "sin" | "cos" | "ln" | "exp" | "sqrt" | "abs", ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Fn", fn: f, args })
const LN10 = fn("ln", int(10))

const isZero = (e: Expr) => e._tag === "Integer" && e.value === 0n

/** d/dv of a binary power u^w. */
const dPower = (u: Expr, w: Expr, v: string): Expr => {
  const du = d(u, v)
  const dw = d(w, v)
  if (isZero(dw)) return op("*", w, op("^", u, op("-", w, ONE)), du)
  if (isZero(du)) return op("*", op("^", u, w), fn("ln", u), dw)
  // u^w = exp(w ln u): d = u^w (w' ln u + w u'/u)
  return op("*", op("^", u, w), op("+", op("*", dw, fn("ln", u)), op("/", op("*", w, du), u)))
}

const d = (e: Expr, v: string): Expr => {
  switch (e._tag) {
    case "Integer":
    case "Float":
    case "Rational":
      return ZERO
    case "Symbol":
      return e.name === v ? ONE : ZERO
    case "Op": {
      if (!contains(e, v)) return ZERO
      const a = e.args
      switch (e.op) {
        case "+":
          return op("+", ...a.map((x) => d(x, v)))
        case "-":
          return a.length === 1 ? op("-", d(a[0] as Expr, v)) : op("-", ...a.map((x) => d(x, v)))
        case "*":
          return op("+", ...a.map((_, i) => op("*", ...a.map((x, j) => (i === j ? d(x, v) : x)))))
        case "/": {
          const num = a[0] as Expr
          const den = a.length === 2 ? (a[1] as Expr) : op("*", ...a.slice(1))
          return op("/", op("-", op("*", d(num, v), den), op("*", num, d(den, v))), op("^", den, int(2)))
        }
        case "^": {
          let acc = a[a.length - 1] as Expr
          for (let i = a.length - 2; i >= 1; i--) acc = op("^", a[i] as Expr, acc)
          return dPower(a[0] as Expr, acc, v)
        }
        case "%": {
          // a mod b = a − b·trunc(a/b), and trunc(a/b) = (a − a mod b)/b is locally constant.
          const [x, y] = [a[0] as Expr, a[1] as Expr]
          return op("-", d(x, v), op("*", d(y, v), op("/", op("-", x, e), y)))
        }
      }
    }
    // falls through (unreachable: every operator returns above)
    case "Fn": {
      if (e._tag !== "Fn") return ZERO
      if (!contains(e, v)) return ZERO
      const u = e.args[0] as Expr
      const du = () => d(u, v)
      switch (e.fn) {
        case "sin":
          return op("*", fn("cos", u), du())
        case "cos":
          return op("*", op("-", fn("sin", u)), du())
        case "tan":
          return op("/", du(), op("^", fn("cos", u), int(2)))
        case "ln":
          return op("/", du(), u)
        case "log":
          return op("/", du(), op("*", u, LN10))
        case "exp":
          return op("*", e, du())
        case "sqrt":
          return op("/", du(), op("*", int(2), fn("sqrt", u)))
        case "abs":
          return op("*", op("/", u, fn("abs", u)), du())
        case "floor":
        case "ceil":
          return ZERO // piecewise constant: zero wherever the derivative exists
        case "=":
          return { _tag: "Fn", fn: "=", args: e.args.map((x) => d(x, v)) }
        default:
          throw new EngineError({
            reason: "NotNumeric",
            message: `cannot differentiate an unevaluated (${e.fn} …); evaluate it first`
          })
      }
    }
  }
}

/** d expr / d variable, simplified. Throws EngineError. */
export const derive = (expr: Expr, variable: string): Expr => {
  let raw: Expr
  try {
    raw = d(expr, variable)
  } catch (err) {
    if (err instanceof RangeError) throw new EngineError({ reason: "TooDeep", message: "expression nested too deeply to differentiate" })
    throw err
  }
  return simplify(raw)
}

/** The unsimplified derivative (for tests and for teaching targets). */
export const deriveRaw = (expr: Expr, variable: string): Expr => d(expr, variable)
