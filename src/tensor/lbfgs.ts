/**
 * Full-batch L-BFGS (Nocedal & Wright, Alg. 7.4) with a backtracking Armijo line
 * search, over a list of parameters and a closure that recomputes the loss. Used for
 * the brain's precision "polish" (BRAIN-NOTES): first-order noise leaves weights a few
 * 1e-5 off, which is already wrong at SPEC §6's 1e-3 tolerance on large operands.
 */
import type { Parameter } from "./Module.js"
import { noGrad, type Tensor } from "./Tensor.js"

export interface LbfgsOptions {
  readonly iterations: number
  readonly history?: number
  /** Stop when the gradient's max-norm falls below this. */
  readonly tolerance?: number
}

export interface LbfgsReport {
  readonly iterations: number
  readonly initialLoss: number
  readonly finalLoss: number
}

const flatten = (params: ReadonlyArray<Parameter>, pick: (p: Parameter) => Float64Array): Float64Array => {
  const total = params.reduce((n, p) => n + p.size, 0)
  const out = new Float64Array(total)
  let o = 0
  for (const p of params) {
    out.set(pick(p), o)
    o += p.size
  }
  return out
}

const assign = (params: ReadonlyArray<Parameter>, values: Float64Array): void => {
  let o = 0
  for (const p of params) {
    p.data.set(values.subarray(o, o + p.size))
    o += p.size
  }
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}

export const lbfgs = (
  params: ReadonlyArray<Parameter>,
  closure: () => Tensor,
  options: LbfgsOptions
): LbfgsReport => {
  const m = options.history ?? 10
  const tolerance = options.tolerance ?? 1e-12
  const evaluate = (): [number, Float64Array] => {
    for (const p of params) p.zeroGrad()
    const loss = closure()
    loss.backward()
    return [loss.item(), flatten(params, (p) => p.grad ?? new Float64Array(p.size))]
  }
  let x = flatten(params, (p) => p.data)
  let [f, g] = evaluate()
  const initialLoss = f
  const s: Array<Float64Array> = []
  const y: Array<Float64Array> = []
  let iteration = 0
  for (; iteration < options.iterations; iteration++) {
    if (!Number.isFinite(f) || g.every((v) => Math.abs(v) < tolerance)) break
    // Two-loop recursion: d = −H·g.
    const q = Float64Array.from(g)
    const alpha: Array<number> = []
    for (let i = s.length - 1; i >= 0; i--) {
      const a = dot(s[i] as Float64Array, q) / dot(y[i] as Float64Array, s[i] as Float64Array)
      alpha[i] = a
      const yi = y[i] as Float64Array
      for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) - a * (yi[j] as number)
    }
    const last = s.length - 1
    const gamma = last >= 0 ? dot(s[last] as Float64Array, y[last] as Float64Array) / dot(y[last] as Float64Array, y[last] as Float64Array) : 1 / Math.max(1, Math.sqrt(dot(g, g)))
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) * gamma
    for (let i = 0; i < s.length; i++) {
      const b = dot(y[i] as Float64Array, q) / dot(y[i] as Float64Array, s[i] as Float64Array)
      const si = s[i] as Float64Array
      for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) + ((alpha[i] as number) - b) * (si[j] as number)
    }
    const d = q.map((v) => -v)
    let slope = dot(g, d)
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      s.length = 0
      y.length = 0
      for (let j = 0; j < d.length; j++) d[j] = -(g[j] as number)
      slope = dot(g, d)
    }
    let step = 1
    let accepted = false
    let fNew = f
    let gNew = g
    const xNew = new Float64Array(x.length)
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < x.length; j++) xNew[j] = (x[j] as number) + step * (d[j] as number)
      noGrad(() => assign(params, xNew))
      ;[fNew, gNew] = evaluate()
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
        accepted = true
        break
      }
      step *= 0.5
    }
    if (!accepted) {
      assign(params, x)
      break
    }
    const sk = xNew.map((v, j) => v - (x[j] as number))
    const yk = gNew.map((v, j) => v - (g[j] as number))
    if (dot(sk, yk) > 1e-12) {
      s.push(sk)
      y.push(yk)
      if (s.length > m) {
        s.shift()
        y.shift()
      }
    }
    x = Float64Array.from(xNew)
    f = fNew
    g = gNew
  }
  return { iterations: iteration, initialLoss, finalLoss: f }
}
