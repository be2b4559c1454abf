/**
 * The rules of the symbolic integrator. An integrand is taken apart as
 * coefficient × Π baseᵢ^qᵢ (the coefficient free of v, the exponents numbers), then:
 *
 * - linearity: ∫(f ± g) = ∫f ± ∫g, ∫c·f = c∫f, ∫c = c·v;
 * - one factor with a linear base L = a·v + b: L^q → L^(q+1)/((q+1)a), L^(−1) → ln|L|/a
 *   (so x^n for every rational n ≠ −1, 1/x → ln|x|, √(ax+b), 1/(ax+b));
 * - functions of a linear argument: sin, cos, exp, tan (−ln|cos L|/a), ln and log
 *   (L ln L − L), abs (L|L|/2), c^L (c^L/(a ln c)), sinⁿ and cosⁿ (reduction formulas),
 *   tan², 1/cos², 1/sin²;
 * - rational functions with exact coefficients whose denominator splits into rational
 *   linear factors: polynomial division and partial fractions;
 * - products: sums raised to small powers are expanded and distributed; xⁿ·(exp, sin,
 *   cos, c^·)(L) by tabular integration by parts; x^q·ln L by parts; exp(L₁)·sin/cos(L₂)
 *   by the standard formula; sin/cos products by the product-to-sum identities;
 * - substitution: f(g)·g′·k → k·F(g) for a factor whose inner g is not linear (found by
 *   differentiating g; accepted only when the result checks numerically).
 *
 * A rule that does not apply throws NoRule; `integrate.ts` turns the last one into the
 * EngineError "CannotIntegrate".
 */
import type { Expr, FunctionName } from "../../domain/Expr.js"
import { add, contains, equals, fn, int, ONE, substitute, sym, ZERO } from "../../domain/Expr.js"
import { derive } from "./derive.js"
import { evaluateNum } from "./evaluate.js"
import {
  cAdd,
  cDiv,
  cMul,
  cNeg,
  cPow,
  cSub,
  isZeroExpr,
  linear,
  looksLikeAntiderivative
} from "./integrate-build.js"
import type { Num } from "./numeric.js"
import * as N from "./numeric.js"
import * as P from "./polynomial.js"
import { simplify } from "./simplify.js"
import { EngineError } from "../../services/Engine.js"

/** No rule applies to `subject`; `why` says what is missing. */
export class NoRule extends Error {
  constructor(readonly subject: Expr, readonly why: string) {
    super(why)
  }
}

interface Factor {
  readonly base: Expr
  readonly exp: Num
}

const q = (n: bigint, d: bigint = 1n): N.Q => N.Q.of(n, d)
const isSum = (e: Expr): boolean => e._tag === "Op" && (e.op === "+" || (e.op === "-" && e.args.length > 1))
const isInt = (x: Num, k?: number): boolean =>
  N.isExact(x) && x.d === 1n && (k === undefined || x.n === BigInt(k))
const isMinusOne = (x: Num): boolean => (N.isExact(x) ? x.n === -1n && x.d === 1n : x === -1)
const lnAbs = (u: Expr): Expr => fn("ln", fn("abs", u))
const LN10: Expr = fn("ln", int(10))
const MAX_EXPAND = 8
const MAX_TERMS = 512
const MAX_DEPTH = 40

/** The summands of a sum, with signs: (- a b c) → [a, −b, −c]. */
const summands = (e: Expr): Array<Expr> => {
  if (e._tag !== "Op") return [e]
  if (e.op === "+") return [...e.args]
  if (e.op === "-" && e.args.length > 1) return [e.args[0] as Expr, ...e.args.slice(1).map(cNeg)]
  return [e]
}

/** A number when the v-free expression evaluates to one (exactly where possible); undefined when it has unbound symbols. */
const tryNumber = (e: Expr): Num | undefined => {
  try {
    return evaluateNum(e)
  } catch (err) {
    if (err instanceof EngineError && (err.reason === "Unbound" || err.reason === "NotNumeric")) return undefined
    throw err
  }
}

/** ∫ e dv, unsimplified. Throws NoRule. */
export const integrateExpr = (expr: Expr, v: string): Expr => {
  const V = sym(v)
  let depth = 0
  let rationalFailure: NoRule | undefined

  const integ = (e: Expr): Expr => {
    if (!contains(e, v)) return cMul(e, V)
    if (++depth > MAX_DEPTH) throw new NoRule(e, "the rules recurse too deeply")
    try {
      if (e._tag === "Op" && e.op === "+") return cAdd(...e.args.map(integ))
      if (e._tag === "Op" && e.op === "-") {
        if (e.args.length === 1) return cNeg(integ(e.args[0] as Expr))
        return cAdd(integ(e.args[0] as Expr), ...e.args.slice(1).map((a) => cNeg(integ(a))))
      }
      const { coeff, factors } = factorize(e)
      return cMul(coeff, integFactors(factors, e))
    } finally {
      depth--
    }
  }

  // ---- taking a product apart --------------------------------------------------

  const factorize = (e: Expr): { coeff: Expr; factors: Array<Factor> } => {
    const coeff: Array<Expr> = []
    const raw: Array<Factor> = []
    const walk = (x: Expr, k: bigint): void => {
      if (!contains(x, v)) {
        coeff.push(k === 1n ? x : cPow(x, q(k)))
        return
      }
      if (x._tag === "Op") {
        switch (x.op) {
          case "*":
            for (const a of x.args) walk(a, k)
            return
          case "/":
            walk(x.args[0] as Expr, k)
            for (const a of x.args.slice(1)) walk(a, -k)
            return
          case "-":
            if (x.args.length === 1) {
              if (k % 2n !== 0n) coeff.push(int(-1))
              walk(x.args[0] as Expr, k)
              return
            }
            break
          case "^": {
            const base = x.args[0] as Expr
            const exponent = x.args.length === 2 ? (x.args[1] as Expr) : { _tag: "Op" as const, op: "^" as const, args: x.args.slice(1) }
            if (!contains(exponent, v)) {
              const r = tryNumber(exponent)
              if (r !== undefined) {
                if (isInt(r)) walk(base, k * (r as N.Q).n)
                else raw.push({ base, exp: N.mul(r, q(k)) })
                return
              }
            }
            break
          }
          default:
            break
        }
      } else if (x._tag === "Fn" && x.fn === "sqrt") {
        raw.push({ base: x.args[0] as Expr, exp: q(k, 2n) })
        return
      }
      raw.push({ base: x, exp: q(k) })
    }
    walk(e, 1n)
    // Merge equal bases; collect exponentials into one exp.
    const merged: Array<{ base: Expr; exp: Num }> = []
    const expArgs: Array<Expr> = []
    for (const f of raw) {
      const b = f.base
      if (b._tag === "Fn" && b.fn === "exp") {
        expArgs.push(cMul(N.toExpr(f.exp), b.args[0] as Expr))
        continue
      }
      if (b._tag === "Op" && b.op === "^" && b.args.length === 2 && (b.args[0] as Expr)._tag === "Symbol" && (b.args[0] as { name: string }).name === "e") {
        expArgs.push(cMul(N.toExpr(f.exp), b.args[1] as Expr))
        continue
      }
      const same = merged.find((m) => equals(m.base, b))
      if (same !== undefined) same.exp = N.add(same.exp, f.exp)
      else merged.push({ base: b, exp: f.exp })
    }
    if (expArgs.length > 0) {
      const arg = expArgs.length === 1 ? (expArgs[0] as Expr) : simplify(cAdd(...expArgs))
      if (contains(arg, v)) merged.push({ base: fn("exp", arg), exp: N.ONE })
      else coeff.push(fn("exp", arg))
    }
    return { coeff: cMul(...coeff), factors: merged.filter((f) => !N.isZero(f.exp)) }
  }

  const rebuild = (factors: ReadonlyArray<Factor>): Expr => cMul(...factors.map((f) => cPow(f.base, f.exp)))

  // ---- dispatch ----------------------------------------------------------------

  const integFactors = (factors: ReadonlyArray<Factor>, whole: Expr): Expr => {
    if (factors.length === 0) return V
    if (factors.length === 1) return single(factors[0] as Factor)
    return multi(factors, whole)
  }

  const single = (f: Factor): Expr => {
    const { base, exp } = f
    if (isSum(base) && isInt(exp, 1)) return integ(base)
    const L = linear(base, v)
    if (L !== undefined) {
      if (isMinusOne(exp)) return cDiv(lnAbs(base), L.a)
      const e1 = N.add(exp, N.ONE)
      return cDiv(cPow(base, e1), cMul(N.toExpr(e1), L.a))
    }
    const rational = tryRational([f])
    if (rational !== undefined) return rational
    if (isSum(base) && isInt(exp) && N.sign(exp) > 0 && (exp as N.Q).n <= BigInt(MAX_EXPAND)) return integ(expand(base, Number((exp as N.Q).n)))
    if (base._tag === "Fn") {
      const r = functionRule(base.fn, base.args[0] as Expr, exp)
      if (r !== undefined) return r
    }
    if (base._tag === "Op" && base.op === "^" && base.args.length === 2 && !contains(base.args[0] as Expr, v)) {
      const r = exponentialRule(base.args[0] as Expr, base.args[1] as Expr, exp)
      if (r !== undefined) return r
    }
    const s = substitution([f])
    if (s !== undefined) return s
    if (rationalFailure !== undefined) throw rationalFailure
    throw new NoRule(rebuild([f]), describeFailure(f))
  }

  const multi = (factors: ReadonlyArray<Factor>, whole: Expr): Expr => {
    const rational = tryRational(factors)
    if (rational !== undefined) return rational
    // Rewrites tried in turn; when one leads to a part no rule covers, the next is tried.
    const rewrites: ReadonlyArray<() => Expr | undefined> = [
      () => {
        // Expand a sum raised to a small power and distribute the other factors over it.
        const i = factors.findIndex((f) => isSum(f.base) && isInt(f.exp) && N.sign(f.exp) > 0 && (f.exp as N.Q).n <= BigInt(MAX_EXPAND))
        if (i < 0) return undefined
        const f = factors[i] as Factor
        const terms = summands(expand(f.base, Number((f.exp as N.Q).n)))
        const others = factors.filter((_, j) => j !== i)
        if (terms.length * Math.max(1, others.length) > MAX_TERMS) return undefined
        const rest = rebuild(others)
        return integ(cAdd(...terms.map((t) => cMul(t, rest))))
      },
      () => {
        // Two sin/cos factors: product-to-sum, then distribute.
        const trig = trigProductToSum(factors)
        return trig === undefined ? undefined : integ(trig)
      },
      () => {
        if (factors.length !== 2) return undefined
        const [f, g] = factors as [Factor, Factor]
        return byParts(f, g) ?? byParts(g, f) ?? expTrig(f, g) ?? expTrig(g, f)
      },
      () => substitution(factors)
    ]
    let failure: NoRule | undefined = rationalFailure
    for (const rewrite of rewrites) {
      try {
        const r = rewrite()
        if (r !== undefined) return r
      } catch (err) {
        if (!(err instanceof NoRule)) throw err
        failure ??= err
      }
    }
    throw failure ?? new NoRule(whole, "a product of factors that no rule of the engine covers")
  }

  // ---- functions of a linear argument -------------------------------------------

  /** ∫ f(u)^k dv for u linear, or undefined. */
  const functionRule = (name: FunctionName, u: Expr, k: Num): Expr | undefined => {
    const L = linear(u, v)
    if (L === undefined) return undefined
    const a = L.a
    if (isInt(k, 1)) {
      switch (name) {
        case "sin":
          return cDiv(cNeg(fn("cos", u)), a)
        case "cos":
          return cDiv(fn("sin", u), a)
        case "exp":
          return cDiv(fn("exp", u), a)
        case "tan":
          return cDiv(cNeg(lnAbs(fn("cos", u))), a)
        case "ln":
          return cDiv(cSub(cMul(u, fn("ln", u)), u), a)
        case "log":
          return cDiv(cSub(cMul(u, fn("ln", u)), u), cMul(a, LN10))
        case "abs":
          return cDiv(cMul(u, fn("abs", u)), cMul(int(2), a))
        default:
          return undefined
      }
    }
    if ((name === "sin" || name === "cos") && isInt(k) && N.sign(k) > 0 && (k as N.Q).n <= 16n) return trigPower(name, u, a, Number((k as N.Q).n))
    if (name === "tan" && isInt(k, 2)) return cSub(cDiv(fn("tan", u), a), V)
    // 1/tan = cos/sin, 1/sin (= csc), 1/cos (= sec), 1/tan²
    if (name === "tan" && isInt(k, -1)) return cDiv(lnAbs(fn("sin", u)), a)
    if (name === "tan" && isInt(k, -2)) return cSub(cDiv(cNeg(cDiv(fn("cos", u), fn("sin", u))), a), V)
    if (name === "sin" && isInt(k, -1)) return cDiv(lnAbs(fn("tan", cDiv(u, int(2)))), a)
    if (name === "cos" && isInt(k, -1)) return cDiv(lnAbs(cDiv(cAdd(ONE, fn("sin", u)), fn("cos", u))), a)
    if (name === "ln" && isInt(k) && N.sign(k) > 0 && (k as N.Q).n <= 8n) {
      // ∫ lnⁿ L = L·lnⁿ L / a − n ∫ lnⁿ⁻¹ L
      let result: Expr = V
      for (let n = 1; n <= Number((k as N.Q).n); n++)
        result = cSub(cDiv(cMul(u, cPow(fn("ln", u), q(BigInt(n)))), a), cMul(int(n), result))
      return result
    }
    if (name === "cos" && isInt(k, -2)) return cDiv(fn("tan", u), a)
    if (name === "sin" && isInt(k, -2)) return cDiv(cNeg(cDiv(fn("cos", u), fn("sin", u))), a)
    if (name === "abs" && isInt(k) && (k as N.Q).n % 2n === 0n && N.sign(k) > 0) return integ(cPow(u, k))
    return undefined
  }

  /** ∫ sinⁿ(u) or cosⁿ(u) by the reduction formulas. */
  const trigPower = (name: "sin" | "cos", u: Expr, a: Expr, n: number): Expr => {
    if (n === 0) return V
    if (n === 1) return name === "sin" ? cDiv(cNeg(fn("cos", u)), a) : cDiv(fn("sin", u), a)
    const s = fn("sin", u)
    const c = fn("cos", u)
    const head =
      name === "sin"
        ? cDiv(cNeg(cMul(cPow(s, q(BigInt(n - 1))), c)), cMul(int(n), a))
        : cDiv(cMul(cPow(c, q(BigInt(n - 1))), s), cMul(int(n), a))
    return cAdd(head, cMul(N.toExpr(q(BigInt(n - 1), BigInt(n))), trigPower(name, u, a, n - 2)))
  }

  /** ∫ (c^u)^k dv for a positive constant c and u linear. */
  const exponentialRule = (c: Expr, u: Expr, k: Num): Expr | undefined => {
    const L = linear(u, v)
    if (L === undefined) return undefined
    const cv = tryNumber(c)
    if (cv === undefined || !(N.toFloat(cv) > 0) || (N.isExact(cv) && N.isOne(cv))) return undefined
    const power: Expr = { _tag: "Op", op: "^", args: [c, cMul(N.toExpr(k), u)] }
    return cDiv(power, cMul(N.toExpr(k), L.a, fn("ln", c)))
  }

  // ---- rational functions -------------------------------------------------------

  const tryRational = (factors: ReadonlyArray<Factor>): Expr | undefined => {
    if (!factors.every((f) => isInt(f.exp) && f.base._tag !== "Fn")) return undefined
    if (!factors.some((f) => N.sign(f.exp) < 0)) return undefined
    let extracted: P.Extracted
    try {
      extracted = P.toRational(rebuild(factors), v, { exactOnly: true })
    } catch (err) {
      if (err instanceof P.NotRational) return undefined
      if (err instanceof EngineError && (err.reason === "Unbound" || err.reason === "NotNumeric")) return undefined
      throw err
    }
    try {
      return integrateRational(extracted.value, rebuild(factors))
    } catch (err) {
      // Other rules (substitution: 2x/(x² + 1)) may still apply; keep the reason for the message.
      if (err instanceof NoRule) {
        rationalFailure = err
        return undefined
      }
      throw err
    }
  }

  const polyIntegral = (p: P.Poly): Expr =>
    cAdd(...p.map((c, k) => cMul(N.toExpr(N.div(c, q(BigInt(k + 1)))), cPow(V, q(BigInt(k + 1))))))

  const linearFactor = (r: N.Q): Expr => (r.n === 0n ? V : cAdd(V, N.toExpr(N.negate(r))))

  /** ∫ num/den by division and partial fractions over rational linear factors. Throws NoRule. */
  const integrateRational = (R: P.Rational, subject: Expr): Expr => {
    if (R.den.length <= 1) return polyIntegral(P.pscale(R.num, N.reciprocal(P.lead(R.den))))
    const { q: quotient, r: remainder } = P.pdivmod(R.num, R.den)
    const { roots, rest } = P.rationalRoots(R.den)
    if (P.degree(rest) > 0)
      throw new NoRule(
        subject,
        "a rational function whose denominator has a factor without rational roots (its antiderivative needs arctan or irrational logarithms)"
      )
    const monicScale = N.reciprocal(P.lead(R.den)) // den = lead · Π (v − rᵢ)^mᵢ
    const r = P.pscale(remainder, monicScale)
    const n = P.degree(R.den)
    // Unknowns A(i, k) for 1/(v − rᵢ)^k, k = 1..mᵢ: R(v) = Σ A(i,k) · Π(v − r)^m / (v − rᵢ)^k.
    const monicDen = P.monic(R.den)
    const unknowns: Array<{ root: N.Q; k: number; basis: P.Poly }> = []
    for (const { root, multiplicity } of roots)
      for (let k = 1; k <= multiplicity; k++) {
        let basis = monicDen
        for (let j = 0; j < k; j++) basis = P.pdivmod(basis, [N.negate(root), N.ONE]).q
        unknowns.push({ root, k, basis })
      }
    const matrix: Array<Array<Num>> = []
    for (let row = 0; row < n; row++) matrix.push([...unknowns.map((u) => P.coeff(u.basis, row)), P.coeff(r, row)])
    const solution = solveLinearSystem(matrix)
    let result: Expr = polyIntegral(quotient)
    unknowns.forEach((u, idx) => {
      const A = solution[idx] as Num
      if (N.isZero(A)) return
      const lf = linearFactor(u.root)
      const term =
        u.k === 1 ? cMul(N.toExpr(A), lnAbs(lf)) : cMul(N.toExpr(N.div(A, q(BigInt(1 - u.k)))), cPow(lf, q(BigInt(1 - u.k))))
      result = cAdd(result, term)
    })
    return result
  }

  // ---- products -----------------------------------------------------------------

  /** (s₁ + … + sₘ)^n multiplied out (unsimplified sum of products). */
  const expand = (sum: Expr, n: number): Expr => {
    const terms = summands(sum)
    let acc: Array<Expr> = [ONE]
    for (let i = 0; i < n; i++) {
      const next: Array<Expr> = []
      for (const a of acc) for (const t of terms) next.push(cMul(a, t))
      if (next.length > MAX_TERMS) throw new NoRule(cPow(sum, q(BigInt(n))), "a power of a sum too large to expand")
      acc = next
    }
    return acc.length === 1 ? (acc[0] as Expr) : add(...acc)
  }

  const trigUnit = (f: Factor): { fn: "sin" | "cos"; arg: Expr; count: number } | undefined => {
    const b = f.base
    if (b._tag !== "Fn" || (b.fn !== "sin" && b.fn !== "cos")) return undefined
    if (!isInt(f.exp) || N.sign(f.exp) <= 0 || (f.exp as N.Q).n > 8n) return undefined
    if (linear(b.args[0] as Expr, v) === undefined) return undefined
    return { fn: b.fn, arg: b.args[0] as Expr, count: Number((f.exp as N.Q).n) }
  }

  /** Rewrites the first two sin/cos units (of linear arguments) by product-to-sum, when there are two. */
  const trigProductToSum = (factors: ReadonlyArray<Factor>): Expr | undefined => {
    const units: Array<{ index: number; fn: "sin" | "cos"; arg: Expr }> = []
    factors.forEach((f, index) => {
      const t = trigUnit(f)
      if (t !== undefined) for (let c = 0; c < t.count && units.length < 2; c++) units.push({ index, fn: t.fn, arg: t.arg })
    })
    if (units.length < 2) return undefined
    const [u1, u2] = units as [(typeof units)[0], (typeof units)[0]]
    const diff = simplify(cSub(u1.arg, u2.arg))
    const sum = simplify(cAdd(u1.arg, u2.arg))
    const half = N.toExpr(q(1n, 2n))
    let identity: Expr
    if (u1.fn === "sin" && u2.fn === "sin") identity = cMul(half, cSub(fn("cos", diff), fn("cos", sum)))
    else if (u1.fn === "cos" && u2.fn === "cos") identity = cMul(half, cAdd(fn("cos", diff), fn("cos", sum)))
    else {
      // sin A cos B = ½[sin(A + B) + sin(A − B)]
      const [s, c] = u1.fn === "sin" ? [u1, u2] : [u2, u1]
      identity = cMul(half, cAdd(fn("sin", sum), fn("sin", simplify(cSub(s.arg, c.arg)))))
    }
    const remaining = factors.map((f, i) => {
      const used = units.filter((u) => u.index === i).length
      return used === 0 ? f : { base: f.base, exp: N.sub(f.exp, q(BigInt(used))) }
    }).filter((f) => !N.isZero(f.exp))
    return cMul(identity, rebuild(remaining))
  }

  /** ∫ vⁿ·T(L) by tabular integration (T ∈ exp, sin, cos, c^·), or ∫ v^q·ln L by parts. */
  const byParts = (p: Factor, t: Factor): Expr | undefined => {
    if (p.base._tag !== "Symbol" || p.base.name !== v) return undefined
    const tb = t.base
    if (!isInt(t.exp, 1)) return undefined
    if (tb._tag === "Fn" && (tb.fn === "ln" || tb.fn === "log")) {
      if (isMinusOne(p.exp)) return undefined
      const L = linear(tb.args[0] as Expr, v)
      if (L === undefined) return undefined
      // ∫ v^q ln L = v^(q+1)/(q+1)·ln L − a/(q+1) ∫ v^(q+1)/L
      const q1 = N.add(p.exp, N.ONE)
      const lnL = fn("ln", tb.args[0] as Expr)
      const first = cDiv(cMul(cPow(V, q1), lnL), N.toExpr(q1))
      const second = cMul(cDiv(L.a, N.toExpr(q1)), integ(cDiv(cPow(V, q1), tb.args[0] as Expr)))
      const r = cSub(first, second)
      return tb.fn === "ln" ? r : cDiv(r, LN10)
    }
    if (!isInt(p.exp) || N.sign(p.exp) <= 0 || (p.exp as N.Q).n > 24n) return undefined
    const n = Number((p.exp as N.Q).n)
    // The j-th iterated antiderivative of T(L).
    let G: ((j: number) => Expr) | undefined
    if (tb._tag === "Fn" && (tb.fn === "exp" || tb.fn === "sin" || tb.fn === "cos")) {
      const u = tb.args[0] as Expr
      const L = linear(u, v)
      if (L === undefined) return undefined
      const aj = (j: number) => cPow(L.a, q(BigInt(j)))
      if (tb.fn === "exp") G = (j) => cDiv(fn("exp", u), aj(j))
      else {
        // sin: −cos, −sin, cos, sin, …   cos: sin, −cos, −sin, cos, …
        const cycle: ReadonlyArray<[number, "sin" | "cos"]> =
          tb.fn === "sin" ? [[1, "sin"], [-1, "cos"], [-1, "sin"], [1, "cos"]] : [[1, "cos"], [1, "sin"], [-1, "cos"], [-1, "sin"]]
        G = (j) => {
          const [sg, name] = cycle[j % 4] as [number, "sin" | "cos"]
          const g = cDiv(fn(name, u), aj(j))
          return sg < 0 ? cNeg(g) : g
        }
      }
    } else if (tb._tag === "Op" && tb.op === "^" && tb.args.length === 2 && !contains(tb.args[0] as Expr, v)) {
      const c = tb.args[0] as Expr
      const L = linear(tb.args[1] as Expr, v)
      const cv = tryNumber(c)
      if (L === undefined || cv === undefined || !(N.toFloat(cv) > 0) || (N.isExact(cv) && N.isOne(cv))) return undefined
      G = (j) => cDiv(tb, cPow(cMul(L.a, fn("ln", c)), q(BigInt(j))))
    }
    if (G === undefined) return undefined
    const terms: Array<Expr> = []
    let falling = 1n // n!/(n−k)!
    for (let k = 0; k <= n; k++) {
      const sign = k % 2 === 0 ? 1n : -1n
      terms.push(cMul(int(sign * falling), cPow(V, q(BigInt(n - k))), G(k + 1)))
      falling *= BigInt(n - k)
    }
    return cAdd(...terms)
  }

  /** ∫ exp(L₁)·sin(L₂) and ∫ exp(L₁)·cos(L₂). */
  const expTrig = (e: Factor, t: Factor): Expr | undefined => {
    if (!isInt(e.exp, 1) || !isInt(t.exp, 1)) return undefined
    if (e.base._tag !== "Fn" || e.base.fn !== "exp") return undefined
    if (t.base._tag !== "Fn" || (t.base.fn !== "sin" && t.base.fn !== "cos")) return undefined
    const u1 = e.base.args[0] as Expr
    const u2 = t.base.args[0] as Expr
    const L1 = linear(u1, v)
    const L2 = linear(u2, v)
    if (L1 === undefined || L2 === undefined) return undefined
    const norm = simplify(cAdd(cMul(L1.a, L1.a), cMul(L2.a, L2.a)))
    const s = fn("sin", u2)
    const c = fn("cos", u2)
    const inner = t.base.fn === "sin" ? cSub(cMul(L1.a, s), cMul(L2.a, c)) : cAdd(cMul(L1.a, c), cMul(L2.a, s))
    return cDiv(cMul(fn("exp", u1), inner), norm)
  }

  // ---- substitution ------------------------------------------------------------

  const FRESH = "__w"

  /** ∫ f(g)·g′·k: for each factor, an inner g whose derivative is the rest up to a constant. */
  const substitution = (factors: ReadonlyArray<Factor>): Expr | undefined => {
    if (contains(expr, FRESH)) return undefined
    const integrand = rebuild(factors)
    for (let i = 0; i < factors.length; i++) {
      const f = factors[i] as Factor
      const rest = rebuild(factors.filter((_, j) => j !== i))
      const candidates: Array<() => { g: Expr; H: Expr } | undefined> = []
      if (linear(f.base, v) === undefined)
        candidates.push(() => ({
          g: f.base,
          H: isMinusOne(f.exp) ? lnAbs(f.base) : cDiv(cPow(f.base, N.add(f.exp, N.ONE)), N.toExpr(N.add(f.exp, N.ONE)))
        }))
      const b = f.base
      const inner =
        b._tag === "Fn" && b.args.length === 1 && b.fn !== "sqrt" ? (b.args[0] as Expr)
        : b._tag === "Op" && b.op === "^" && b.args.length === 2 && !contains(b.args[0] as Expr, v) ? (b.args[1] as Expr)
        : undefined
      if (inner !== undefined && linear(inner, v) === undefined)
        candidates.push(() => {
          const w = sym(FRESH)
          const outer = cPow(replaceInner(b, w), f.exp)
          try {
            const H = integrateExpr(outer, FRESH)
            return { g: inner, H: substitute(H, FRESH, inner) }
          } catch (err) {
            if (err instanceof NoRule) return undefined
            throw err
          }
        })
      for (const candidate of candidates) {
        const c = candidate()
        if (c === undefined) continue
        const gp = derive(c.g, v)
        if (isZeroExpr(gp)) continue
        const ratio = simplify(cDiv(rest, gp))
        if (contains(ratio, v)) continue
        const F = cMul(ratio, c.H)
        if (looksLikeAntiderivative(F, integrand, v)) return F
      }
    }
    return undefined
  }

  const describeFailure = (f: Factor): string => {
    const b = f.base
    if (b._tag === "Fn") {
      const arg = b.args[0] as Expr
      if (linear(arg, v) === undefined && contains(arg, v))
        return `the argument of ${b.fn} is not linear in ${v}, and no substitution applies`
      return `no rule for ${b.fn} raised to this power`
    }
    if (b._tag === "Op" && b.op === "^" && contains(b.args[b.args.length - 1] as Expr, v)) return `a power whose exponent depends on ${v}`
    if (b._tag === "Op" && b.op === "^") return `a power with a symbolic or inexact exponent`
    return `no rule for this power of a non-linear expression in ${v}`
  }

  return integ(expr)
}

/** The function application `b` (f(inner) or c^inner) with its inner argument replaced by w. */
const replaceInner = (b: Expr, w: Expr): Expr => {
  if (b._tag === "Fn") return { ...b, args: [w] }
  if (b._tag === "Op") return { ...b, args: [b.args[0] as Expr, w] }
  return b
}

/** Gaussian elimination over exact (or float) numbers on an augmented n×(n+1) matrix. */
const solveLinearSystem = (m: Array<Array<Num>>): Array<Num> => {
  const n = m.length
  for (let col = 0; col < n; col++) {
    let pivot = -1
    for (let row = col; row < n; row++) if (!N.isZero((m[row] as Array<Num>)[col] as Num)) {
      pivot = row
      break
    }
    if (pivot < 0) throw new NoRule(ZERO, "a singular partial-fraction system")
    ;[m[col], m[pivot]] = [m[pivot] as Array<Num>, m[col] as Array<Num>]
    const prow = m[col] as Array<Num>
    const inv = N.reciprocal(prow[col] as Num)
    for (let j = col; j <= n; j++) prow[j] = N.mul(prow[j] as Num, inv)
    for (let row = 0; row < n; row++) {
      if (row === col) continue
      const r = m[row] as Array<Num>
      const factor = r[col] as Num
      if (N.isZero(factor)) continue
      for (let j = col; j <= n; j++) r[j] = N.sub(r[j] as Num, N.mul(factor, prow[j] as Num))
    }
  }
  return m.map((row) => row[n] as Num)
}
