/**
 * Symbolic differentiation over every head of SPEC §2, then simplification. The rules
 * build a raw tree (full of 0s and 1s); `simplify` turns it into the canonical form,
 * e.g. (derive (^ x 2) x) → (* 2 x) and (derive (^ x x) x) → x^x·(ln x + 1): the
 * general power rule is used whenever the exponent depends on the variable.
 */
import type { Expr } from "../../domain/Expr.js"
import { ONE, ZERO } from "../../domain/Expr.js"
import { EngineError } from "../../services/Engine.js"
import { simplify } from "./simplify.js"

const int = (n: number): Expr => ({ _tag: "Integer", value: BigInt(n) })
const op = (o: "+" | "-" | "*" | "/" | "^", ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op: o, args })
const fn = (f: "sin" | "cos" | "ln" | "exp" | "sqrt" | "abs", ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Fn", fn: f, args })
const LN10 = fn("ln", int(10))

/** Whether `e` mentions the variable. */
const has = (e: Expr, v: string): boolean => {
  if (e._tag === "Symbol") return e.name === v
  if (e._tag !== "Op" && e._tag !== "Fn") return false
  const args = e.args
  for (let i = 0; i < args.length; i++) if (has(args[i] as Expr, v)) return true
  return false
}

const isZero = (e: Expr) => e._tag === "Integer" && e.value === 0n

/** d/dv of a binary power u^w, given du and dw. */
const dPower = (u: Expr, w: Expr, du: Expr, dw: Expr): Expr => {
  if (isZero(dw)) return op("*", w, op("^", u, op("-", w, ONE)), du)
  if (isZero(du)) return op("*", op("^", u, w), fn("ln", u), dw)
  // u^w = exp(w ln u): d = u^w (w' ln u + w u'/u)
  return op("*", op("^", u, w), op("+", op("*", dw, fn("ln", u)), op("/", op("*", w, du), u)))
}

const d = (e: Expr, v: string): Expr => dOrNone(e, v) ?? ZERO

/**
 * The raw derivative, or undefined when `e` does not mention v (the derivative is 0).
 * An operator's arguments are differentiated first, left to right (the order in which
 * the rules use them), and the operator mentions v when one of them does: each subtree
 * is walked once, where a separate "contains v" test at every node would walk it again
 * at every level. A subtree without v never throws.
 */
const dOrNone = (e: Expr, v: string): Expr | undefined => {
  switch (e._tag) {
    case "Integer":
    case "Float":
    case "Rational":
      return undefined
    case "Symbol":
      return e.name === v ? ONE : undefined
    case "Op": {
      const a = e.args
      const ds: Array<Expr> = new Array(a.length)
      let any = false
      for (let i = 0; i < a.length; i++) {
        const r = dOrNone(a[i] as Expr, v)
        if (r !== undefined) any = true
        ds[i] = r ?? ZERO
      }
      if (!any) return undefined
      switch (e.op) {
        case "+":
          return op("+", ...ds)
        case "-":
          return a.length === 1 ? op("-", ds[0] as Expr) : op("-", ...ds)
        case "*":
          return op("+", ...a.map((_, i) => op("*", ...a.map((x, j) => (i === j ? (ds[j] as Expr) : x)))))
        case "/": {
          const num = a[0] as Expr
          const den = a.length === 2 ? (a[1] as Expr) : op("*", ...a.slice(1))
          const dden = a.length === 2 ? (ds[1] as Expr) : d(den, v)
          return op("/", op("-", op("*", ds[0] as Expr, den), op("*", num, dden)), op("^", den, int(2)))
        }
        case "^": {
          let acc = a[a.length - 1] as Expr
          for (let i = a.length - 2; i >= 1; i--) acc = op("^", a[i] as Expr, acc)
          return dPower(a[0] as Expr, acc, ds[0] as Expr, a.length === 2 ? (ds[1] as Expr) : d(acc, v))
        }
        case "%": {
          // a mod b = a − b·trunc(a/b), and trunc(a/b) = (a − a mod b)/b is locally constant.
          const [x, y] = [a[0] as Expr, a[1] as Expr]
          return op("-", ds[0] as Expr, op("*", ds[1] as Expr, op("/", op("-", x, e), y)))
        }
      }
    }
    // falls through (unreachable: every operator returns above)
    case "Fn": {
      if (e._tag !== "Fn") return undefined
      const u = e.args[0] as Expr
      switch (e.fn) {
        case "sin":
        case "cos":
        case "tan":
        case "ln":
        case "log":
        case "exp":
        case "sqrt":
        case "abs": {
          if (e.args.length !== 1) return has(e, v) ? chain(e, u, d(u, v)) : undefined
          const du = dOrNone(u, v)
          return du === undefined ? undefined : chain(e, u, du)
        }
        case "floor":
        case "ceil":
          return has(e, v) ? ZERO : undefined // piecewise constant: zero wherever the derivative exists
        case "=": {
          if (!has(e, v)) return undefined
          return { _tag: "Fn", fn: "=", args: e.args.map((x) => d(x, v)) }
        }
        default:
          if (!has(e, v)) return undefined
          throw new EngineError({
            reason: "NotNumeric",
            message: `cannot differentiate an unevaluated (${e.fn} …); evaluate it first`
          })
      }
    }
  }
}

/** The chain rule for a function of one argument u, given du. */
const chain = (e: Extract<Expr, { _tag: "Fn" }>, u: Expr, du: Expr): Expr => {
  switch (e.fn) {
    case "sin":
      return op("*", fn("cos", u), du)
    case "cos":
      return op("*", op("-", fn("sin", u)), du)
    case "tan":
      return op("/", du, op("^", fn("cos", u), int(2)))
    case "ln":
      return op("/", du, u)
    case "log":
      return op("/", du, op("*", u, LN10))
    case "exp":
      return op("*", e, du)
    case "sqrt":
      return op("/", du, op("*", int(2), fn("sqrt", u)))
    default: // abs
      return op("*", op("/", u, fn("abs", u)), du)
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
