/**
 * Number answers to inputs `(h f v a b)` with v an unbound symbol and a, b numbers
 * (level 6, `(integrate f x a b)`).
 *
 * What the brain learns here, from training data and its own evaluator:
 *   - antitangent rules, one per head of f (./antiderivative.ts), found by search on the
 *     condition that the tangent of the rule's expression (finite differences of the
 *     brain's values) is the node's value; they build on the learned tangent rules;
 *   - which emitter answers a root head h: the difference of f's antitangent at the two
 *     bounds, in either order, or of f itself. A discrete choice per head row, scored
 *     against the step's number targets.
 * The answer is the brain's own evaluation of the emitted expression at the bounds.
 */
import { Effect } from "effect"
import type { Expr } from "../../../domain/Expr.js"
import { Rng } from "../../../domain/Random.js"
import type { BrainError, BrainExample, BrainState, TrainingProgress } from "../../../services/Brain.js"
import { isCorrectNumber, numberOfAnswer } from "../../grading.js"
import { canFeaturize, featurize, type BrainInput } from "../featurize.js"
import { headRow, heads } from "../vocabulary.js"
import { emitAntitangent, learnAntiRules, type AntiRules } from "./antiderivative.js"
import { onlySymbol } from "./SymbolicHeads.js"
import type { TangentRules } from "./emit.js"
import { restoreSearch, searchStep, trusts, type TrustedEvaluator } from "./schedule.js"
import { encodeTerms, savedRules } from "./codec.js"

export const DEFINITE_EMITTERS = ["antitangent at b minus at a", "antitangent at a minus at b", "f at b minus at a"] as const

interface Definite {
  readonly root: number
  readonly f: Expr
  readonly variable: string
  readonly a: number
  readonly b: number
}

/** `(h f v a b)` with v a symbol the input does not bind, f over v alone, a and b numbers. */
export const definiteOf = (input: BrainInput): Definite | undefined => {
  const e = input.expr
  if ((e._tag !== "Op" && e._tag !== "Fn") || e.args.length !== 4) return undefined
  const [f, v, lo, hi] = e.args as [Expr, Expr, Expr, Expr]
  const a = numberOfAnswer(lo)
  const b = numberOfAnswer(hi)
  if (v._tag !== "Symbol" || a === undefined || b === undefined || input.bindings.some(([name]) => name === v.name)) return undefined
  if (!onlySymbol(f, v.name) || !canFeaturize(e)) return undefined
  return { root: headRow(e, 2), f, variable: v.name, a, b }
}

export interface DefiniteHeads {
  readonly canLearn: (ex: BrainExample) => boolean
  readonly prepareStep: (batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => void
  /** Answers (undefined where the input is not such a problem or nothing is learned for it). */
  readonly answers: (inputs: ReadonlyArray<BrainInput>) => ReadonlyArray<{ readonly expr: Expr | undefined } | undefined>
  readonly state: () => BrainState
  readonly loadState: (state: BrainState) => Effect.Effect<void, BrainError>
}

export const makeDefiniteHeads = (
  evaluator: TrustedEvaluator,
  tangents: () => TangentRules | undefined
): DefiniteHeads => {
  let rules: AntiRules | undefined
  const emitter = new Int32Array(heads.length).fill(-1)
  let slot = -1

  /** Values of emitter `kind` for each problem (NaN where it gives none), by the brain's evaluator. */
  const valuesOf = (problems: ReadonlyArray<Definite>, kind: (p: Definite) => number): Float64Array => {
    const out = new Float64Array(problems.length).fill(NaN)
    const inputs: Array<BrainInput> = []
    const owners: Array<number> = []
    problems.forEach((p, i) => {
      const k = kind(p)
      const e = k < 0 ? undefined : k === 2 ? p.f : rules === undefined ? undefined : emitAntitangent(p.f, p.variable, rules, tangents(), headRow)
      if (e === undefined || !canFeaturize(e)) return
      inputs.push({ expr: e, bindings: [[p.variable, p.b]] }, { expr: e, bindings: [[p.variable, p.a]] })
      owners.push(i)
    })
    if (inputs.length === 0) return out
    const batch = featurize(inputs)
    const values = evaluator.evaluate(batch)
    owners.forEach((i, j) => {
      const atB = values[batch.roots[2 * j] as number] as number
      const atA = values[batch.roots[2 * j + 1] as number] as number
      out[i] = kind(problems[i] as Definite) === 1 ? atA - atB : atB - atA
    })
    return out
  }

  return {
    canLearn: (ex) => ex.target._tag === "Number" && definiteOf(ex.input) !== undefined,
    prepareStep: (batch, progress) => {
      const examples: Array<{ p: Definite; y: number }> = []
      for (const ex of batch) {
        if (ex.target._tag !== "Number") continue
        const p = definiteOf(ex.input)
        if (p !== undefined && trusts(evaluator, p.f)) examples.push({ p, y: ex.target.value })
      }
      slot = searchStep(
        examples,
        progress.fraction,
        { hasRule: (h) => rules?.heads.has(h) === true, emitter, slot },
        (_, now) =>
          (rules = learnAntiRules(examples.map(({ p }) => ({ expr: p.f, variable: p.variable })), evaluator.evaluate, tangents(), headRow, Rng.seeded(0xa471 + now), rules)),
        (mine) =>
          DEFINITE_EMITTERS.map((_, kind) => {
            const v = valuesOf(mine.map(({ p }) => p), () => kind)
            return mine.filter(({ y }, i) => isCorrectNumber(v[i] as number, y)).length
          })
      )
    },
    answers: (inputs) => {
      const out: Array<{ expr: Expr | undefined } | undefined> = new Array(inputs.length).fill(undefined)
      const problems: Array<Definite> = []
      const where: Array<number> = []
      inputs.forEach((input, i) => {
        const p = definiteOf(input)
        if (p === undefined) return
        problems.push(p)
        where.push(i)
      })
      if (problems.length === 0) return out
      const values = valuesOf(problems, (p) => emitter[p.root] as number)
      where.forEach((i, k) => {
        const v = values[k] as number
        out[i] = { expr: Number.isFinite(v) ? { _tag: "Float", value: v } : undefined }
      })
      return out
    },
    state: () => ({
      antiRules: rules === undefined ? [] : [rules.numberAlpha ?? NaN, rules.variableAlpha ?? NaN, ...encodeTerms(rules.heads)],
      definiteEmitter: [...emitter],
      definiteSlot: [slot]
    }),
    loadState: (state) =>
      Effect.gen(function* () {
        slot = yield* restoreSearch(state, "definiteEmitter", "definiteSlot", emitter)
        const saved = yield* savedRules(state, "antiRules")
        const alpha = (x: number) => (Number.isNaN(x) ? undefined : x)
        rules = saved === undefined ? undefined : { heads: saved.heads, numberAlpha: alpha(saved.lead[0]), variableAlpha: alpha(saved.lead[1]) }
      })
  }

}
