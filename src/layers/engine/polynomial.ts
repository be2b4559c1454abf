/**
 * Univariate polynomials and rational functions with numeric coefficients (exact
 * rationals where the input is exact, floats otherwise), and the extraction of an
 * expression as a rational function of one variable. Used by the solver (an equation
 * becomes N(v)/D(v) = 0) and by the integrator (partial fractions).
 *
 * A polynomial is its coefficient list in ascending degree without trailing zeros:
 * [] is 0, [c] a constant, [b, a] is a·v + b.
 */
import type { Expr } from "../../domain/Expr.js"
import { contains } from "../../domain/Expr.js"
import type { Num } from "./numeric.js"
import * as N from "./numeric.js"
import { evaluateNum } from "./evaluate.js"

export type Poly = ReadonlyArray<Num>

/** Why an expression is not a rational function of the variable (becomes a CannotSolve/CannotIntegrate message). */
export class NotRational extends Error {
  constructor(readonly why: string) {
    super(why)
  }
}

/** Highest power a rational-function extraction will build. */
export const MAX_DEGREE = 64

export const normalize = (p: ReadonlyArray<Num>): Poly => {
  let n = p.length
  while (n > 0 && N.isZero(p[n - 1] as Num)) n--
  return n === p.length ? p : p.slice(0, n)
}

export const degree = (p: Poly): number => p.length - 1
export const isZeroPoly = (p: Poly): boolean => p.length === 0
export const constant = (c: Num): Poly => normalize([c])
export const X: Poly = [N.ZERO, N.ONE]
export const ONE_POLY: Poly = [N.ONE]
export const lead = (p: Poly): Num => p[p.length - 1] ?? N.ZERO
export const isExactPoly = (p: Poly): boolean => p.every(N.isExact)
export const coeff = (p: Poly, k: number): Num => p[k] ?? N.ZERO

export const padd = (a: Poly, b: Poly): Poly => {
  const out: Array<Num> = []
  for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(N.add(coeff(a, i), coeff(b, i)))
  return normalize(out)
}
export const pneg = (a: Poly): Poly => a.map(N.negate)
export const psub = (a: Poly, b: Poly): Poly => padd(a, pneg(b))
export const pscale = (a: Poly, c: Num): Poly => normalize(a.map((x) => N.mul(x, c)))

export const pmul = (a: Poly, b: Poly): Poly => {
  if (a.length === 0 || b.length === 0) return []
  if (a.length + b.length - 2 > MAX_DEGREE) throw new NotRational(`a polynomial of degree above ${MAX_DEGREE}`)
  const out: Array<Num> = new Array(a.length + b.length - 1).fill(N.ZERO)
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) out[i + j] = N.add(out[i + j] as Num, N.mul(a[i] as Num, b[j] as Num))
  return normalize(out)
}

export const ppow = (a: Poly, n: number): Poly => {
  let out: Poly = ONE_POLY
  for (let i = 0; i < n; i++) out = pmul(out, a)
  return out
}

export const pderiv = (a: Poly): Poly => normalize(a.slice(1).map((c, i) => N.mul(c, new N.Q(BigInt(i + 1), 1n))))

/** Horner evaluation. */
export const peval = (a: Poly, x: Num): Num => {
  let acc: Num = N.ZERO
  for (let i = a.length - 1; i >= 0; i--) acc = N.add(N.mul(acc, x), a[i] as Num)
  return acc
}

/** Quotient and remainder; the divisor must be nonzero. */
export const pdivmod = (a: Poly, b: Poly): { readonly q: Poly; readonly r: Poly } => {
  if (b.length === 0) throw N.divisionByZero("polynomial division by zero")
  let r: Array<Num> = [...a]
  const q: Array<Num> = new Array(Math.max(0, a.length - b.length + 1)).fill(N.ZERO)
  const lb = lead(b)
  for (let k = a.length - b.length; k >= 0; k--) {
    const c = N.div(r[k + b.length - 1] as Num, lb)
    q[k] = c
    for (let j = 0; j < b.length; j++) r[k + j] = N.sub(r[k + j] as Num, N.mul(c, b[j] as Num))
    r[k + b.length - 1] = N.ZERO // exactly, even with floats
  }
  r = r.slice(0, Math.max(0, b.length - 1))
  return { q: normalize(q), r: normalize(r) }
}

export const monic = (a: Poly): Poly => (a.length === 0 ? a : pscale(a, N.reciprocal(lead(a))))

/** Monic gcd of exact polynomials (Euclid over ℚ); [1] when a coefficient is a float. */
export const pgcd = (a: Poly, b: Poly): Poly => {
  if (!isExactPoly(a) || !isExactPoly(b)) return ONE_POLY
  let x = a
  let y = b
  while (y.length > 0) {
    const { r } = pdivmod(x, y)
    x = y
    y = r
  }
  return x.length === 0 ? ONE_POLY : monic(x)
}

// ---- rational functions ---------------------------------------------------------

/** num/den with den monic (leading coefficient 1) and, when exact, num and den coprime. */
export interface Rational {
  readonly num: Poly
  readonly den: Poly
}

const make = (num: Poly, den: Poly): Rational => {
  if (den.length === 0) throw N.divisionByZero()
  if (num.length === 0) return { num, den: ONE_POLY }
  let n = num
  let d = den
  if (d.length > 1) {
    const g = pgcd(n, d)
    if (g.length > 1) {
      n = pdivmod(n, g).q
      d = pdivmod(d, g).q
    }
  }
  const l = lead(d)
  if (!N.isOne(l)) {
    const inv = N.reciprocal(l)
    n = pscale(n, inv)
    d = pscale(d, inv)
  }
  return { num: n, den: d }
}

export const rconst = (c: Num): Rational => ({ num: constant(c), den: ONE_POLY })
export const radd = (a: Rational, b: Rational): Rational =>
  a.den.length === 1 && b.den.length === 1
    ? { num: padd(a.num, b.num), den: ONE_POLY }
    : make(padd(pmul(a.num, b.den), pmul(b.num, a.den)), pmul(a.den, b.den))
export const rneg = (a: Rational): Rational => ({ num: pneg(a.num), den: a.den })
export const rmul = (a: Rational, b: Rational): Rational =>
  a.den.length === 1 && b.den.length === 1 ? { num: pmul(a.num, b.num), den: ONE_POLY } : make(pmul(a.num, b.num), pmul(a.den, b.den))
export const rdiv = (a: Rational, b: Rational): Rational => {
  if (b.num.length === 0) throw N.divisionByZero()
  return make(pmul(a.num, b.den), pmul(a.den, b.num))
}
export const isPolynomial = (r: Rational): boolean => r.den.length === 1

export interface ExtractOptions {
  /** Coefficients must be exact rationals (no floats, no pi/e, no transcendental constants). */
  readonly exactOnly?: boolean
}

export interface Extracted {
  readonly value: Rational
  /**
   * Every divisor met (the numerators of divided-by expressions and of bases raised to
   * negative powers): where one of them vanishes, the original expression is undefined.
   */
  readonly divisors: ReadonlyArray<Poly>
}

/**
 * `e` as a rational function of `v`. Subtrees free of `v` are evaluated (exactly where
 * possible; an unbound symbol throws the evaluator's EngineError "Unbound"). Throws
 * NotRational for anything else (a function of `v`, a non-integer power of `v`, `%`).
 */
export const toRational = (e: Expr, v: string, options: ExtractOptions = {}): Extracted => {
  const divisors: Array<Poly> = []
  const go = (e: Expr): Rational => {
    if (!contains(e, v)) {
      const c = evaluateNum(e)
      if (options.exactOnly === true && !N.isExact(c)) throw new NotRational("a coefficient that is not an exact rational")
      return rconst(c)
    }
    switch (e._tag) {
      case "Symbol":
        return { num: X, den: ONE_POLY }
      case "Op": {
        const args = e.args.map((a) => a)
        switch (e.op) {
          case "+":
            return args.map(go).reduce(radd)
          case "*":
            return args.map(go).reduce(rmul)
          case "-": {
            if (args.length === 1) return rneg(go(args[0] as Expr))
            return args.slice(1).reduce((acc, a) => radd(acc, rneg(go(a))), go(args[0] as Expr))
          }
          case "/":
            return args.slice(1).reduce((acc, a) => {
              const d = go(a)
              if (d.num.length === 0) throw N.divisionByZero()
              if (d.num.length > 1) divisors.push(d.num)
              return rdiv(acc, d)
            }, go(args[0] as Expr))
          case "^": {
            if (args.length !== 2) throw new NotRational("an iterated power of the variable")
            const [base, exponent] = args as [Expr, Expr]
            if (contains(exponent, v)) throw new NotRational(`the variable ${v} in an exponent`)
            const n = evaluateNum(exponent)
            if (!N.isExact(n) || n.d !== 1n) throw new NotRational(`a non-integer power of an expression in ${v}`)
            if (n.n > BigInt(MAX_DEGREE) || n.n < -BigInt(MAX_DEGREE)) throw new NotRational(`a power above ${MAX_DEGREE}`)
            const b = go(base)
            const k = Number(n.n)
            if (k >= 0) return { num: ppow(b.num, k), den: ppow(b.den, k) }
            if (b.num.length === 0) throw N.divisionByZero("zero to a negative power")
            if (b.num.length > 1) divisors.push(b.num)
            return make(ppow(b.den, -k), ppow(b.num, -k))
          }
          case "%":
            throw new NotRational(`a remainder (%) of an expression in ${v}`)
        }
        throw new NotRational(`the operator ${e.op}`)
      }
      case "Fn":
        throw new NotRational(`${v} inside the function ${e.fn}`)
      default:
        throw new NotRational("an unexpected leaf")
    }
  }
  const value = go(e)
  return { value, divisors }
}

// ---- roots ----------------------------------------------------------------------

const babs = (a: bigint): bigint => (a < 0n ? -a : a)

/** Positive divisors of |n|, or undefined when there are too many to try or n is too large to factor. */
const divisorsOf = (n: bigint, limit: number): Array<bigint> | undefined => {
  n = babs(n)
  if (n === 0n) return undefined
  if (n > 10n ** 12n) return undefined
  const small: Array<bigint> = []
  const large: Array<bigint> = []
  for (let d = 1n; d * d <= n; d++) {
    if (n % d === 0n) {
      small.push(d)
      if (d * d !== n) large.push(n / d)
      if (small.length + large.length > limit) return undefined
    }
  }
  return [...small, ...large.reverse()]
}

/** Integer coefficients with the same roots (exact polynomial only). */
export const toIntegerCoefficients = (p: Poly): Array<bigint> => {
  let l = 1n
  for (const c of p) {
    const q = c as N.Q
    l = (l * q.d) / gcdBig(l, q.d)
  }
  return p.map((c) => {
    const q = c as N.Q
    return (q.n * l) / q.d
  })
}

const gcdBig = (a: bigint, b: bigint): bigint => {
  a = babs(a)
  b = babs(b)
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/**
 * The rational roots of an exact polynomial, with multiplicities, by the rational root
 * theorem; `rest` is what remains after dividing them out. Gives up (returns no roots,
 * rest = p) when the candidate set is too large.
 */
export const rationalRoots = (p: Poly): { readonly roots: Array<{ root: N.Q; multiplicity: number }>; readonly rest: Poly } => {
  if (!isExactPoly(p) || p.length <= 1) return { roots: [], rest: p }
  const roots: Array<{ root: N.Q; multiplicity: number }> = []
  let rest = p
  // Roots at zero first.
  let zeros = 0
  while (rest.length > 1 && N.isZero(rest[0] as Num)) {
    rest = rest.slice(1)
    zeros++
  }
  if (zeros > 0) roots.push({ root: N.ZERO as N.Q, multiplicity: zeros })
  if (rest.length <= 1) return { roots, rest }
  const ints = toIntegerCoefficients(rest)
  const ps = divisorsOf(ints[0] as bigint, 2000)
  const qs = divisorsOf(ints[ints.length - 1] as bigint, 2000)
  if (ps === undefined || qs === undefined || ps.length * qs.length > 20000) return { roots, rest }
  const seen = new Set<string>()
  for (const q of qs)
    for (const pp of ps)
      for (const s of [1n, -1n]) {
        if (rest.length <= 1) break
        const cand = N.Q.of(s * pp, q)
        const key = `${cand.n}/${cand.d}`
        if (seen.has(key)) continue
        seen.add(key)
        let m = 0
        for (;;) {
          if (rest.length <= 1 || !N.isZero(peval(rest, cand))) break
          rest = pdivmod(rest, [N.negate(cand), N.ONE]).q
          m++
        }
        if (m > 0) roots.push({ root: cand, multiplicity: m })
      }
  roots.sort((a, b) => N.compare(a.root, b.root))
  return { roots, rest }
}
