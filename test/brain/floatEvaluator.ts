/**
 * An independent evaluator for tests: plain floating point by head name, standing in for
 * the brain's learned one (the brain's own forward pass never maps a head to an operation).
 */
import type { FeaturizedBatch } from "../../src/layers/brain/featurize.js"
import { heads } from "../../src/layers/brain/vocabulary.js"
import { explorationTrees } from "../../src/layers/brain/symbolic/SymbolicHeads.js"
import type { TangentProblem } from "../../src/layers/brain/symbolic/learn.js"

const byName: Record<string, (a: number, b: number) => number> = {
  "+/2": (a, b) => a + b,
  "-/2": (a, b) => a - b,
  "*/2": (a, b) => a * b,
  "//2": (a, b) => a / b,
  "^/2": (a, b) => Math.pow(a, b),
  "-/1": (a) => -a,
  "sin/1": Math.sin,
  "cos/1": Math.cos,
  "exp/1": Math.exp,
  "ln/1": (a) => Math.log(Math.abs(a))
}
/** The same over more heads: tan, sqrt and log as well (for the tests of functions no built-in calculus level shows). */
const withMore: Record<string, (a: number, b: number) => number> = { ...byName, "tan/1": Math.tan, "sqrt/1": Math.sqrt, "log/1": Math.log10 }
export const widerFloatEvaluator = (batch: FeaturizedBatch): Float64Array => evaluateWith(withMore, batch)

export const floatEvaluator = (batch: FeaturizedBatch): Float64Array => evaluateWith(byName, batch)

const evaluateWith = (byName: Record<string, (a: number, b: number) => number>, batch: FeaturizedBatch): Float64Array => {
  const total = batch.levels.reduce((n, l) => Math.max(n, l.start + l.count), batch.leafCount)
  const v = new Float64Array(total)
  v.set(batch.leafValues) // bound symbols read their binding's value there
  for (const level of batch.levels)
    for (let j = 0; j < level.count; j++) {
      const f = byName[heads[level.head[j] as number] as string]
      v[level.start + j] = f === undefined ? NaN : f(v[level.child0[j] as number] as number, v[level.child1[j] as number] as number)
    }
  return v
}


/** The heads the test evaluator computes. */
export const floatHeads: ReadonlyArray<number> = heads.map((_, h) => h).filter((h) => byName[heads[h] as string] !== undefined)

/** The trees the brain writes to explore the heads it can evaluate (each child's tangent alone). */
export const exploration: ReadonlyArray<TangentProblem> = floatHeads.flatMap((h) => explorationTrees(h).map((expr) => ({ expr, variable: "v" })))

/** The heads the wider test evaluator computes, and the trees the brain writes to explore them. */
export const widerHeads: ReadonlyArray<number> = heads.map((_, h) => h).filter((h) => withMore[heads[h] as string] !== undefined)
export const widerExploration: ReadonlyArray<TangentProblem> = widerHeads.flatMap((h) => explorationTrees(h).map((expr) => ({ expr, variable: "v" })))
