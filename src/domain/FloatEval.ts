/**
 * Plain double-precision evaluation of an expression: NaN where the value is undefined
 * or not finite, never an exception. The one float evaluator of the project: the
 * Engine's numerical checks and quadrature (`EngineKernel.evalFloat`) and the built-in
 * levels' generators use it. The exact evaluator is the Engine's
 * (src/layers/engine/evaluate.ts).
 */
import type { Expr } from "./Expr.js"
import { rationalToNumber } from "./Expr.js"

export interface FloatEvalOptions {
  /**
   * An operator whose value overflows to ±∞ (or is NaN) makes the whole value NaN at
   * once, as if the expression were undefined there. Default false: ∞ is carried on as
   * IEEE does (1/∞ = 0) and only a non-finite final value is NaN. Function values are
   * carried on either way. The built-in levels' generators test where an input is
   * defined with `strict`.
   */
  readonly strict?: boolean | undefined
}

const F1: Record<string, (x: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  ln: (x) => (x > 0 ? Math.log(x) : NaN),
  log: (x) => (x > 0 ? Math.log10(x) : NaN),
  exp: Math.exp,
  sqrt: (x) => (x >= 0 ? Math.sqrt(x) : NaN),
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil
}

const floatPow = (a: number, b: number): number => {
  if (a < 0 && !Number.isInteger(b)) {
    // A real odd root of a negative base, as the exact evaluator gives for (^ -8 1/3).
    return NaN
  }
  return a === 0 && b < 0 ? NaN : Math.pow(a, b)
}

type Env = Readonly<Record<string, number>>

const operatorValue = (e: Extract<Expr, { _tag: "Op" }>, env: Env, strict: boolean): number => {
  const a = e.args
  switch (e.op) {
    case "+": {
      let s = 0
      for (const x of a) s += floatRec(x, env, strict)
      return s
    }
    case "*": {
      let p = 1
      for (const x of a) p *= floatRec(x, env, strict)
      return p
    }
    case "-": {
      if (a.length === 1) return -floatRec(a[0] as Expr, env, strict)
      let s = floatRec(a[0] as Expr, env, strict)
      for (let i = 1; i < a.length; i++) s -= floatRec(a[i] as Expr, env, strict)
      return s
    }
    case "/": {
      let s = floatRec(a[0] as Expr, env, strict)
      for (let i = 1; i < a.length; i++) {
        const d = floatRec(a[i] as Expr, env, strict)
        if (d === 0) return NaN
        s /= d
      }
      return s
    }
    case "^": {
      let acc = floatRec(a[a.length - 1] as Expr, env, strict)
      for (let i = a.length - 2; i >= 0; i--) acc = floatPow(floatRec(a[i] as Expr, env, strict), acc)
      return acc
    }
    case "%": {
      const d = floatRec(a[1] as Expr, env, strict)
      return d === 0 ? NaN : floatRec(a[0] as Expr, env, strict) % d
    }
  }
}

const floatRec = (e: Expr, env: Env, strict: boolean): number => {
  switch (e._tag) {
    case "Integer":
      return Number(e.value)
    case "Float":
      return e.value
    case "Rational":
      return rationalToNumber(e.num, e.den)
    case "Symbol": {
      const v = env[e.name]
      if (v !== undefined) return v
      return e.name === "pi" ? Math.PI : e.name === "e" ? Math.E : NaN
    }
    case "Op": {
      const v = operatorValue(e, env, strict)
      return strict && !Number.isFinite(v) ? NaN : v
    }
    case "Fn": {
      const f = F1[e.fn]
      return f === undefined ? NaN : f(floatRec(e.args[0] as Expr, env, strict))
    }
  }
}

/** Plain double-precision evaluation; NaN where undefined or non-finite. Never throws. */
export const evalFloat = (e: Expr, env: Env = {}, options?: FloatEvalOptions): number => {
  try {
    const v = floatRec(e, env, options?.strict === true)
    return Number.isFinite(v) ? v : NaN
  } catch {
    return NaN
  }
}
