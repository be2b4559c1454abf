/**
 * Best-subset least squares (BRAIN-NOTES, "L5": a smooth fit spreads weight across
 * equivalent terms, u·(1/u) = 1 and sin² + cos² = 1, and rounding then breaks it; a search
 * over small subsets does not). Finds the smallest set of at most three columns whose
 * least-squares fit, with each coefficient replaced by the exact number it is taken for
 * (`exact`), reproduces the target on the most samples (at least minAgreement); ties go to fewer terms, the lowest total degree,
 * then the lowest columns.
 */
import { FITTED, rationalize } from "./coefficient.js"

export interface Term {
  readonly column: number
  readonly coefficient: number
}

export interface SubsetFit {
  readonly terms: ReadonlyArray<Term>
  /** Share of samples the rounded fit reproduces. */
  readonly agreement: number
}

export interface SubsetOptions {
  readonly maxTerms?: number
  /** Share of samples the rounded fit must reproduce (outliers: points where a value is clamped). */
  readonly minAgreement?: number
  /** Per-sample tolerance, relative to 1 + |y|. */
  readonly tolerance?: number
  /** The exact value a fitted coefficient is taken for, undefined when none (the subset is then rejected); by default a small rational. */
  readonly exact?: (c: number) => number | undefined
}

/** Agreements this close are equal (a few samples at clamped values). */
const AGREEMENT_NOISE = 0.002

const smallRational = (c: number): number | undefined => {
  const r = rationalize(c, FITTED)
  return r === undefined ? undefined : r.num / r.den
}

/**
 * rows: n samples × columns (row-major), y: n targets. degrees[c] orders exact fits of
 * equal size. Samples with a non-finite entry are left out.
 */
export const bestSubset = (
  rows: Float64Array,
  y: Float64Array,
  columns: number,
  degrees: ReadonlyArray<number>,
  options: SubsetOptions = {}
): SubsetFit | undefined => {
  const maxTerms = options.maxTerms ?? 3
  const minAgreement = options.minAgreement ?? 0.95
  const tolerance = options.tolerance ?? 1e-5
  const exact = options.exact ?? smallRational
  // Columns non-finite on more than a few samples (1/dv where v is a constant) cannot be
  // used; then the samples finite on every remaining column, each row scaled by
  // 1 / (1 + |y|) so that large values do not dominate.
  const usable = new Uint8Array(columns)
  for (let c = 0; c < columns; c++) {
    let bad = 0
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(rows[i * columns + c] as number)) bad++
    usable[c] = bad <= 0.05 * y.length ? 1 : 0
  }
  const keep: Array<number> = []
  for (let i = 0; i < y.length; i++) {
    let ok = Number.isFinite(y[i] as number) && Math.abs(y[i] as number) < 1e8
    for (let c = 0; ok && c < columns; c++) ok = !usable[c] || Number.isFinite(rows[i * columns + c] as number)
    if (ok) keep.push(i)
  }
  const n = keep.length
  if (n < 4) return undefined
  const X = new Float64Array(n * columns)
  const Y = new Float64Array(n)
  keep.forEach((i, r) => {
    const s = 1 / (1 + Math.abs(y[i] as number))
    Y[r] = (y[i] as number) * s
    for (let c = 0; c < columns; c++) X[r * columns + c] = usable[c] ? (rows[i * columns + c] as number) * s : 0
  })
  // Columns of some weight, normalised to unit length (the Gram matrix is then well scaled).
  const norm = new Float64Array(columns)
  for (let r = 0; r < n; r++) for (let c = 0; c < columns; c++) norm[c]! += (X[r * columns + c] as number) ** 2
  const active: Array<number> = []
  for (let c = 0; c < columns; c++) {
    norm[c] = Math.sqrt(norm[c] as number)
    if ((norm[c] as number) > 1e-9 && Number.isFinite(norm[c] as number)) active.push(c)
  }
  const a = active.length
  const G = new Float64Array(a * a)
  const b = new Float64Array(a)
  let yy = 0
  for (let r = 0; r < n; r++) yy += (Y[r] as number) ** 2
  if (!(yy > 0)) return undefined
  for (let p = 0; p < a; p++) {
    const cp = active[p] as number
    for (let r = 0; r < n; r++) b[p]! += ((X[r * columns + cp] as number) / (norm[cp] as number)) * (Y[r] as number)
    for (let q = p; q < a; q++) {
      const cq = active[q] as number
      let s = 0
      for (let r = 0; r < n; r++) s += (X[r * columns + cp] as number) * (X[r * columns + cq] as number)
      s /= (norm[cp] as number) * (norm[cq] as number)
      G[p * a + q] = s
      G[q * a + p] = s
    }
  }

  /** Share of samples the rounded terms reproduce. */
  const agreementOf = (terms: ReadonlyArray<Term>): number => {
    let hits = 0
    for (let r = 0; r < n; r++) {
      let s = 0
      for (const t of terms) s += t.coefficient * (X[r * columns + t.column] as number)
      if (Math.abs(s - (Y[r] as number)) <= tolerance) hits++
    }
    return hits / n
  }

  let best: { fit: SubsetFit; degree: number; key: ReadonlyArray<number> } | undefined
  const consider = (picked: ReadonlyArray<number>, solution: ReadonlyArray<number>) => {
    // Residual share of the unrounded fit: far from exact, rounding cannot help.
    let explained = 0
    picked.forEach((p, i) => (explained += (solution[i] as number) * (b[p] as number)))
    if ((yy - explained) / yy > 1e-3) return
    const terms: Array<Term> = []
    for (let i = 0; i < picked.length; i++) {
      const column = active[picked[i] as number] as number
      const coefficient = exact((solution[i] as number) / (norm[column] as number))
      if (coefficient === undefined || coefficient === 0) return
      terms.push({ column, coefficient })
    }
    const agreement = agreementOf(terms)
    if (agreement < minAgreement) return
    const degree = terms.reduce((s, t) => s + (degrees[t.column] as number), 0)
    const key = terms.map((t) => t.column)
    // More agreement wins (beyond noise), then fewer terms, a lower degree, lower columns.
    const wins =
      best === undefined ||
      agreement > best.fit.agreement + AGREEMENT_NOISE ||
      (agreement >= best.fit.agreement - AGREEMENT_NOISE &&
        (terms.length < best.fit.terms.length ||
          (terms.length === best.fit.terms.length && (degree < best.degree || (degree === best.degree && lexLess(key, best.key))))))
    if (wins) best = { fit: { terms, agreement }, degree, key }
  }

  const g = (p: number, q: number) => G[p * a + q] as number
  // A fit of every sample is not bettered by more terms; anything less, larger subsets may beat.
  const settled = () => best !== undefined && best.fit.agreement >= 1 - AGREEMENT_NOISE
  for (let i = 0; i < a; i++) if (g(i, i) > 0) consider([i], [(b[i] as number) / g(i, i)])
  if (settled() || maxTerms < 2) return best?.fit
  for (let i = 0; i < a; i++)
    for (let j = i + 1; j < a; j++) {
      const det = g(i, i) * g(j, j) - g(i, j) * g(i, j)
      if (det < 1e-9) continue
      consider([i, j], [(g(j, j) * (b[i] as number) - g(i, j) * (b[j] as number)) / det, (g(i, i) * (b[j] as number) - g(i, j) * (b[i] as number)) / det])
    }
  if (settled() || maxTerms < 3) return best?.fit
  for (let i = 0; i < a; i++)
    for (let j = i + 1; j < a; j++) {
      const d2 = g(i, i) * g(j, j) - g(i, j) * g(i, j)
      if (d2 < 1e-9) continue
      for (let k = j + 1; k < a; k++) {
        // Cramer's rule on the 3×3 normal equations.
        const [m00, m01, m02, m11, m12, m22] = [g(i, i), g(i, j), g(i, k), g(j, j), g(j, k), g(k, k)]
        const c00 = m11 * m22 - m12 * m12
        const c01 = m02 * m12 - m01 * m22
        const c02 = m01 * m12 - m02 * m11
        const det = m00 * c00 + m01 * c01 + m02 * c02
        if (det < 1e-9) continue
        const [bi, bj, bk] = [b[i] as number, b[j] as number, b[k] as number]
        const c11 = m00 * m22 - m02 * m02
        const c12 = m01 * m02 - m00 * m12
        const c22 = m00 * m11 - m01 * m01
        consider([i, j, k], [(c00 * bi + c01 * bj + c02 * bk) / det, (c01 * bi + c11 * bj + c12 * bk) / det, (c02 * bi + c12 * bj + c22 * bk) / det])
      }
    }
  return best?.fit
}

const lexLess = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number)
  return a.length < b.length
}
