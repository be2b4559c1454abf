/**
 * Numbers of the evaluator: an exact rational (bigint numerator / positive bigint
 * denominator, reduced; integers have den 1n) or an IEEE float. Exact inputs stay
 * exact through + − × ÷, integer powers, and roots that come out exact; a float
 * anywhere, or a transcendental function, makes the result a float. Every failure is
 * an EngineError; a float result is never NaN or ±Infinity.
 */
import type { Expr } from "../../domain/Expr.js"
import { gcd } from "../../domain/Expr.js"
import { EngineError } from "../../services/Engine.js"

/** 2^53: below it a bigint converts to a double exactly, and bit lengths need no counting. */
const SAFE = 9007199254740992n
const isSmall = (a: bigint): boolean => a < SAFE && a > -SAFE

const smallGcd = (a: number, b: number): number => {
  while (b !== 0) {
    const t = a % b
    a = b
    b = t
  }
  return a
}

export class Q {
  // Declared, not defined: one hidden-class transition fewer per number built.
  declare readonly n: bigint
  declare readonly d: bigint
  constructor(n: bigint, d: bigint) {
    this.n = n
    this.d = d
  }
  static of(n: bigint, d: bigint = 1n): Q {
    if (d === 0n) throw divisionByZero()
    if (d < 0n) {
      n = -n
      d = -d
    }
    if (d !== 1n) {
      if (isSmall(n) && d < SAFE) {
        const g = smallGcd(Math.abs(Number(n)), Number(d))
        if (g > 1) {
          const big = BigInt(g)
          n /= big
          d /= big
        }
      } else {
        const g = gcd(n, d)
        if (g > 1n) {
          n /= g
          d /= g
        }
      }
    }
    return new Q(n, d)
  }
  get isInteger(): boolean {
    return this.d === 1n
  }
}

export type Num = Q | number

export const ZERO = new Q(0n, 1n)
export const ONE = new Q(1n, 1n)

export const divisionByZero = (what = "division by zero") => new EngineError({ reason: "DivisionByZero", message: what })
export const domainError = (message: string) => new EngineError({ reason: "Domain", message })
export const overflow = (message: string) => new EngineError({ reason: "Overflow", message })

/** Largest result, in bits, that exact arithmetic will build (≈ 300,000 decimal digits). */
const MAX_BITS = 1_000_000

const bitLength = (a: bigint): number => (a === 0n ? 0 : (a < 0n ? -a : a).toString(2).length)

export const isExact = (x: Num): x is Q => x instanceof Q

/** An exact number whose numerator and denominator are below 2^53 in magnitude. */
export const isSmallExact = (x: Num): x is Q => x instanceof Q && isSmall(x.n) && x.d < SAFE

export const toFloat = (x: Num): number => {
  if (typeof x === "number") return x
  if (isSmall(x.n) && x.d < SAFE) return Number(x.n) / Number(x.d)
  const nb = bitLength(x.n)
  const db = bitLength(x.d)
  if (nb < 1000 && db < 1000) return Number(x.n) / Number(x.d)
  // Scale both to ~64 significant bits so that the quotient is representable.
  const nShift = Math.max(0, nb - 64)
  const dShift = Math.max(0, db - 64)
  const n = Number(x.n >> BigInt(nShift))
  const d = Number(x.d >> BigInt(dShift))
  return (n / d) * Math.pow(2, nShift - dShift)
}

export const checkFloat = (v: number, what: string): number => {
  if (Number.isNaN(v)) throw domainError(`${what} is undefined over the reals`)
  if (!Number.isFinite(v)) throw overflow(`${what} overflows a float`)
  return v
}

export const fromExpr = (e: Expr): Num | undefined => {
  switch (e._tag) {
    case "Integer":
      return new Q(e.value, 1n)
    case "Rational":
      return Q.of(e.num, e.den)
    case "Float":
      return e.value
    default:
      return undefined
  }
}

export const toExpr = (x: Num): Expr =>
  typeof x === "number" ? { _tag: "Float", value: x === 0 ? 0 : x }
  : x.d === 1n ? { _tag: "Integer", value: x.n }
  : { _tag: "Rational", num: x.n, den: x.d }

export const isZero = (x: Num): boolean => (typeof x === "number" ? x === 0 : x.n === 0n)
export const isOne = (x: Num): boolean => (typeof x === "number" ? x === 1 : x.n === 1n && x.d === 1n)
export const sign = (x: Num): number => (typeof x === "number" ? Math.sign(x) : x.n > 0n ? 1 : x.n < 0n ? -1 : 0)

export const compare = (a: Num, b: Num): number => {
  if (typeof a !== "number" && typeof b !== "number") {
    const l = a.n * b.d
    const r = b.n * a.d
    return l < r ? -1 : l > r ? 1 : 0
  }
  const x = toFloat(a)
  const y = toFloat(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const guardBits = (q: Q, what: string): Q => {
  if (isSmall(q.n) && q.d < SAFE) return q
  if (bitLength(q.n) > MAX_BITS || bitLength(q.d) > MAX_BITS) throw overflow(`${what} exceeds ${MAX_BITS} bits`)
  return q
}

export const add = (a: Num, b: Num): Num => {
  if (typeof a !== "number" && typeof b !== "number") {
    if (a.d === 1n && b.d === 1n) return new Q(a.n + b.n, 1n)
    return Q.of(a.n * b.d + b.n * a.d, a.d * b.d)
  }
  return checkFloat(toFloat(a) + toFloat(b), "a sum")
}

export const negate = (a: Num): Num => (typeof a === "number" ? -a : new Q(-a.n, a.d))

export const sub = (a: Num, b: Num): Num => add(a, negate(b))

export const mul = (a: Num, b: Num): Num => {
  if (typeof a !== "number" && typeof b !== "number") {
    if (a.d === 1n && b.d === 1n) return guardBits(new Q(a.n * b.n, 1n), "a product")
    return guardBits(Q.of(a.n * b.n, a.d * b.d), "a product")
  }
  return checkFloat(toFloat(a) * toFloat(b), "a product")
}

export const reciprocal = (a: Num): Num => {
  if (isZero(a)) throw divisionByZero()
  return typeof a === "number" ? 1 / a : Q.of(a.d, a.n)
}

export const div = (a: Num, b: Num): Num => {
  if (isZero(b)) throw divisionByZero()
  if (typeof a !== "number" && typeof b !== "number") return guardBits(Q.of(a.n * b.d, a.d * b.n), "a quotient")
  return checkFloat(toFloat(a) / toFloat(b), "a quotient")
}

/** Truncated remainder (sign of the dividend), as Rust's and JavaScript's `%`. */
export const mod = (a: Num, b: Num): Num => {
  if (isZero(b)) throw divisionByZero("remainder by zero")
  if (typeof a !== "number" && typeof b !== "number") {
    const q = (a.n * b.d) / (a.d * b.n) // truncates toward zero
    return sub(a, mul(b, new Q(q, 1n)))
  }
  return checkFloat(toFloat(a) % toFloat(b), "a remainder")
}

/** Exact integer k-th root of a nonnegative bigint, or undefined when it is not exact. */
export const exactRoot = (a: bigint, k: number): bigint | undefined => {
  if (a < 0n) return undefined
  if (a < 2n) return a
  const approx = BigInt(Math.round(Math.pow(Number(a), 1 / k)))
  for (const c of [approx - 1n, approx, approx + 1n]) if (c >= 0n && c ** BigInt(k) === a) return c
  if (bitLength(a) < 1000) return undefined
  // Newton's method for very large inputs.
  let x = 1n << BigInt(Math.ceil(bitLength(a) / k))
  const kk = BigInt(k)
  for (;;) {
    const y = ((kk - 1n) * x + a / x ** (kk - 1n)) / kk
    if (y >= x) break
    x = y
  }
  return x ** kk === a ? x : undefined
}

const powInteger = (base: Q, e: bigint): Q => {
  if (e === 0n) return ONE
  if (base.n === 0n) {
    if (e < 0n) throw divisionByZero("zero to a negative power")
    return ZERO
  }
  const absBase = base.n < 0n ? -base.n : base.n
  if (absBase === 1n && base.d === 1n) return new Q(e % 2n === 0n ? 1n : base.n, 1n)
  const mag = e < 0n ? -e : e
  const bits = Math.max(bitLength(base.n), bitLength(base.d)) * Number(mag)
  if (bits > MAX_BITS) throw overflow(`a power with about ${bits} bits`)
  const n = base.n ** mag
  const d = base.d ** mag
  return e < 0n ? Q.of(d, n) : new Q(n, d)
}

export const pow = (a: Num, b: Num): Num => {
  if (typeof b !== "number" && b.d === 1n) {
    if (typeof a !== "number") return powInteger(a, b.n)
    if (a === 0 && b.n < 0n) throw divisionByZero("zero to a negative power")
    return checkFloat(Math.pow(a, Number(b.n)), "a power")
  }
  if (typeof a !== "number" && typeof b !== "number") {
    // Rational exponent p/q: exact when the q-th root of |a| is exact.
    const q = Number(b.d)
    if (a.n === 0n) {
      if (b.n < 0n) throw divisionByZero("zero to a negative power")
      return ZERO
    }
    if (a.n < 0n && q % 2 === 0) throw domainError(`an even root of a negative number`)
    if (q <= 64) {
      const absN = a.n < 0n ? -a.n : a.n
      const rn = exactRoot(absN, q)
      const rd = exactRoot(a.d, q)
      if (rn !== undefined && rd !== undefined) return powInteger(new Q(a.n < 0n ? -rn : rn, rd), b.n)
    }
    const mag = Math.pow(Math.abs(toFloat(a)), toFloat(b))
    const odd = a.n < 0n && b.n % 2n !== 0n
    return checkFloat(odd ? -mag : mag, "a power")
  }
  const x = toFloat(a)
  const y = toFloat(b)
  if (x === 0 && y < 0) throw divisionByZero("zero to a negative power")
  if (x < 0 && !Number.isInteger(y)) throw domainError(`a negative number to a non-integer power`)
  return checkFloat(Math.pow(x, y), "a power")
}

/** The unary functions of SPEC §2, exact where the answer is rational. */
export const applyFunction = (f: string, x: Num): Num => {
  switch (f) {
    case "abs":
      return typeof x === "number" ? Math.abs(x) : new Q(x.n < 0n ? -x.n : x.n, x.d)
    case "floor":
      if (typeof x === "number") return Math.floor(x)
      return new Q(x.n >= 0n ? x.n / x.d : -((-x.n + x.d - 1n) / x.d), 1n)
    case "ceil":
      if (typeof x === "number") return Math.ceil(x)
      return new Q(x.n >= 0n ? (x.n + x.d - 1n) / x.d : -(-x.n / x.d), 1n)
    case "sqrt":
      if (sign(x) < 0) throw domainError("the square root of a negative number")
      if (typeof x !== "number") {
        const rn = exactRoot(x.n, 2)
        const rd = exactRoot(x.d, 2)
        if (rn !== undefined && rd !== undefined) return new Q(rn, rd)
      }
      return Math.sqrt(toFloat(x))
    case "exp":
      if (isExact(x) && x.n === 0n) return ONE
      return checkFloat(Math.exp(toFloat(x)), "exp")
    case "ln":
      if (sign(x) <= 0) throw domainError("the logarithm of a non-positive number")
      if (isExact(x) && isOne(x)) return ZERO
      return Math.log(toFloat(x))
    case "log": {
      if (sign(x) <= 0) throw domainError("the logarithm of a non-positive number")
      if (isExact(x) && x.d === 1n) {
        const s = x.n.toString()
        if (/^10*$/.test(s)) return new Q(BigInt(s.length - 1), 1n)
      }
      return Math.log10(toFloat(x))
    }
    case "sin":
      if (isExact(x) && x.n === 0n) return ZERO
      return Math.sin(toFloat(x))
    case "cos":
      if (isExact(x) && x.n === 0n) return ONE
      return Math.cos(toFloat(x))
    case "tan": {
      if (isExact(x) && x.n === 0n) return ZERO
      const v = toFloat(x)
      if (Math.abs(Math.cos(v)) < 1e-12) throw domainError("tan at a pole")
      return checkFloat(Math.tan(v), "tan")
    }
    default:
      throw new EngineError({ reason: "NotNumeric", message: `"${f}" is not a numeric function` })
  }
}
