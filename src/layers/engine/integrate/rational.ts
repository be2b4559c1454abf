/**
 * Rational functions with exact coefficients whose denominator splits into rational
 * linear factors: polynomial division, then partial fractions.
 */
import type { Expr } from "../../../domain/Expr.js"
import { ZERO } from "../../../domain/Expr.js"
import { EngineError } from "../../../services/Engine.js"
import type { Num } from "../numeric.js"
import * as N from "../numeric.js"
import * as P from "../polynomial.js"
import { cAdd, cMul, cPow } from "./build.js"
import type { Factor, Integration } from "./context.js"
import { isInt, lnAbs, NoRule, q, rebuild } from "./context.js"

export const tryRational = (run: Integration, factors: ReadonlyArray<Factor>): Expr | undefined => {
  const { v } = run
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
    return integrateRational(run, extracted.value, rebuild(factors))
  } catch (err) {
    // Other rules (substitution: 2x/(x² + 1)) may still apply; keep the reason for the message.
    if (err instanceof NoRule) {
      run.rationalFailure = err
      return undefined
    }
    throw err
  }
}

const polyIntegral = (run: Integration, p: P.Poly): Expr =>
  cAdd(...p.map((c, k) => cMul(N.toExpr(N.div(c, q(BigInt(k + 1)))), cPow(run.V, q(BigInt(k + 1))))))

const linearFactor = (run: Integration, r: N.Q): Expr => (r.n === 0n ? run.V : cAdd(run.V, N.toExpr(N.negate(r))))

/** ∫ num/den by division and partial fractions over rational linear factors. Throws NoRule. */
const integrateRational = (run: Integration, R: P.Rational, subject: Expr): Expr => {
  if (R.den.length <= 1) return polyIntegral(run, P.pscale(R.num, N.reciprocal(P.lead(R.den))))
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
  let result: Expr = polyIntegral(run, quotient)
  unknowns.forEach((u, idx) => {
    const A = solution[idx] as Num
    if (N.isZero(A)) return
    const lf = linearFactor(run, u.root)
    const term =
      u.k === 1 ? cMul(N.toExpr(A), lnAbs(lf)) : cMul(N.toExpr(N.div(A, q(BigInt(1 - u.k)))), cPow(lf, q(BigInt(1 - u.k))))
    result = cAdd(result, term)
  })
  return result
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
