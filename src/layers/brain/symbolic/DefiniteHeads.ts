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
import { substitute } from "../../../domain/Expr.js"
import { Rng } from "../../../domain/Random.js"
import type { BrainError, BrainExample, BrainState, TrainingProgress } from "../../../services/Brain.js"
import { isCorrectNumber, numberOfAnswer } from "../../grading.js"
import { canFeaturize, featurize, freeSymbols, unknownOf, type BrainInput } from "../featurize.js"
import { headRow, heads, nodeOf } from "../vocabulary.js"
import { learnAntiRules } from "./antiderivative.js"
import { emitAntitangent, tangentVerifier, type AntiRules, type Verifier } from "./antitangentEmit.js"
import type { TangentRules } from "./emit.js"
import { END_STEP, endValue, interiorPoints, type TangentClaim } from "../selfCheck.js"
import { constantBindings, symbolsOf, type KnownAntitangent } from "./SymbolicHeads.js"
import { restoreSearch, searchStep, trusts, type TrustedEvaluator } from "./schedule.js"
import { encodeRuleLists, savedRules } from "./codec.js"

export const DEFINITE_EMITTERS = ["antitangent at b minus at a", "antitangent at a minus at b", "f at b minus at a"] as const

interface Definite {
  readonly root: number
  readonly f: Expr
  readonly variable: string
  readonly a: number
  readonly b: number
  readonly lo: Expr
  readonly hi: Expr
  /** The input's bindings (of f's other symbols). */
  readonly bindings: BrainInput["bindings"]
  /** f's symbols that are neither the variable nor bound: then the answer is an expression in them. */
  readonly constants: ReadonlyArray<string>
  readonly free: boolean
}

/** `(h f v a b)` with v the input's unknown (a symbol it does not bind) and a, b numbers. */
export const definiteOf = (input: BrainInput): Definite | undefined => {
  const e = input.expr
  if ((e._tag !== "Op" && e._tag !== "Fn") || e.args.length !== 4) return undefined
  const [f, , lo, hi] = e.args as [Expr, Expr, Expr, Expr]
  const variable = unknownOf(input)
  const a = numberOfAnswer(lo)
  const b = numberOfAnswer(hi)
  if (variable === undefined || a === undefined || b === undefined || !canFeaturize(e)) return undefined
  const constants = freeSymbols(input, f)
  return { root: headRow(e, 2), f, variable, a, b, lo, hi, bindings: input.bindings, constants, free: constants.length > 0 }
}


/**
 * The expression emitter `kind` writes for p (its antitangent, or f itself), undefined
 * without one. Where a head has several rules, the first that holds inside [a, b] is used.
 */
const emittedOf = (
  p: Definite,
  kind: number,
  rules: AntiRules | undefined,
  tangents: TangentRules | undefined,
  known: KnownAntitangent,
  verify: Verifier,
  simplify: (e: Expr) => Expr
): Expr | undefined =>
  kind < 0 ? undefined
  : kind === 2 ? p.f
  : (known(p.f, p.variable)?.antitangent ?? (rules === undefined ? undefined : emitAntitangent(p.f, p.variable, rules, tangents, headRow, verify, simplify)))

/** Where a rule of p's integrand is checked: inside [a, b], other symbols bound as the answer's check binds them. */
const verifierOf = (evaluate: TrustedEvaluator["evaluate"], p: Definite): Verifier =>
  tangentVerifier(evaluate, p.variable, interiorPoints(p.a, p.b), [...constantBindings(p.constants), ...p.bindings])

/** Wrong answers in a step (at least this many) show that a rule does not hold everywhere: further rules are looked for. */
const STALE_ANSWERS = 2
/** How many wrong answers are kept for the next searches. */
const MISSED = 64

export interface DefiniteHeads {
  readonly canLearn: (ex: BrainExample) => boolean
  readonly prepareStep: (batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => void
  /** Answers (undefined where the input is not such a problem or nothing is learned for it). */
  readonly answers: (
    inputs: ReadonlyArray<BrainInput>
  ) => ReadonlyArray<{ readonly expr: Expr | undefined; readonly claim?: TangentClaim | undefined } | undefined>
  readonly state: () => BrainState
  readonly loadState: (state: BrainState) => Effect.Effect<void, BrainError>
}

export const makeDefiniteHeads = (
  evaluator: TrustedEvaluator,
  tangents: () => TangentRules | undefined,
  known: KnownAntitangent = () => undefined,
  simplify: (e: Expr) => Expr = (e) => e
): DefiniteHeads => {
  let rules: AntiRules | undefined
  // Examples answered wrong in earlier steps, kept (until answered right) so that a rule
  // missing for a rarer shape is learned from more than one step's few nodes.
  let missed: Array<{ readonly p: Definite; readonly y: number }> = []
  const emitter = new Int32Array(heads.length).fill(-1)
  let slot = -1

  /** Values of emitter `kind` for each problem (NaN where it gives none), by the brain's evaluator, with the expressions emitted. */
  const emittedValues = (problems: ReadonlyArray<Definite>, kind: (p: Definite) => number): { readonly values: Float64Array; readonly emitted: Array<Expr | undefined> } => {
    const out = new Float64Array(problems.length).fill(NaN)
    const inputs: Array<BrainInput> = []
    const owners: Array<number> = []
    const emitted = problems.map((p) => emittedOf(p, kind(p), rules, tangents(), known, verifierOf(evaluator.evaluate, p), simplify))
    problems.forEach((p, i) => {
      const e = emitted[i]
      if (e === undefined || !canFeaturize(e)) return
      // Each bound and two steps inside: the emitted expression is read at a bound as its limit from inside.
      const inward = Math.sign(p.b - p.a) * END_STEP
      for (const [t, d] of [[p.b, -inward], [p.a, inward]] as const)
        for (const j of [0, 1, 2]) inputs.push({ expr: e, bindings: [[p.variable, t + j * d], ...p.bindings] })
      owners.push(i)
    })
    if (inputs.length === 0) return { values: out, emitted }
    const batch = featurize(inputs)
    const values = evaluator.evaluate(batch)
    const root = (k: number) => values[batch.roots[k] as number] as number
    owners.forEach((i, j) => {
      const atB = endValue(root(6 * j), root(6 * j + 1), root(6 * j + 2))
      const atA = endValue(root(6 * j + 3), root(6 * j + 4), root(6 * j + 5))
      out[i] = kind(problems[i] as Definite) === 1 ? atA - atB : atB - atA
    })
    return { values: out, emitted }
  }
  const valuesOf = (problems: ReadonlyArray<Definite>, kind: (p: Definite) => number): Float64Array => emittedValues(problems, kind).values

  return {
    canLearn: (ex) => ex.target._tag === "Number" && definiteOf(ex.input) !== undefined,
    prepareStep: (batch, progress) => {
      const examples: Array<{ p: Definite; y: number }> = []
      for (const ex of batch) {
        if (ex.target._tag !== "Number") continue
        const p = definiteOf(ex.input)
        // learned from f over the variable alone (other symbols are read at answer time)
        if (p !== undefined && symbolsOf(p.f).every((name) => name === p.variable) && trusts(evaluator, p.f)) examples.push({ p, y: ex.target.value })
      }
      slot = searchStep(
        examples,
        progress.fraction,
        {
          hasRule: (h) => rules?.heads.has(h) === true,
          emitter,
          slot,
          stale: () => {
            const antitangents = [...examples, ...missed].filter(({ p }) => (emitter[p.root] as number) === 0 || (emitter[p.root] as number) === 1)
            const v = valuesOf(antitangents.map(({ p }) => p), (p) => emitter[p.root] as number)
            missed = antitangents.filter(({ y }, i) => !isCorrectNumber(v[i] as number, y)).slice(-MISSED)
            return missed.length >= STALE_ANSWERS
          }
        },
        (missing, now) =>
          (rules = learnAntiRules([...examples, ...(missing.size === 0 ? missed : [])].map(({ p }) => ({ expr: p.f, variable: p.variable })), evaluator.evaluate, tangents(), headRow, Rng.seeded(0xa471 + now), rules, {
            usable: evaluator.isLocked,
            refit: missing.size === 0
          })),
        (mine) =>
          DEFINITE_EMITTERS.map((_, kind) => {
            const v = valuesOf(mine.map(({ p }) => p), () => kind)
            return mine.filter(({ y }, i) => isCorrectNumber(v[i] as number, y)).length
          })
      )
    },
    answers: (inputs) => {
      const out: Array<{ expr: Expr | undefined; claim?: TangentClaim | undefined } | undefined> = new Array(inputs.length).fill(undefined)
      const problems: Array<Definite> = []
      const where: Array<number> = []
      inputs.forEach((input, i) => {
        const p = definiteOf(input)
        if (p === undefined) return
        problems.push(p)
        where.push(i)
      })
      if (problems.length === 0) return out
      const { values, emitted } = emittedValues(problems, (p) => emitter[p.root] as number)
      where.forEach((i, k) => {
        const p = problems[k] as Definite
        const kind = emitter[p.root] as number
        const e = emitted[k]
        // An antitangent emitter claims that e's tangent is f inside [a, b]: checked on the brain's own values.
        const claim: TangentClaim | undefined =
          e === undefined || kind === 2
            ? undefined
            : { f: e, g: known(p.f, p.variable)?.integrand ?? p.f, describe: "the integrand", source: "its antiderivative", strict: true, variable: p.variable, bindings: [...constantBindings(p.constants), ...p.bindings], points: interiorPoints(p.a, p.b), ends: [p.a, p.b], limits: !p.free }
        if (p.free) {
          // An expression in the free symbols: the emitted expression at the bounds, by substitution.
          const [first, second] = kind === 1 ? [p.lo, p.hi] : [p.hi, p.lo]
          const writer = rules?.writer ?? tangents()?.writer
          out[i] = { expr: e === undefined || writer === undefined ? undefined : nodeOf(writer.difference, [substitute(e, p.variable, first), substitute(e, p.variable, second)]), claim }
          return
        }
        const v = values[k] as number
        out[i] = { expr: Number.isFinite(v) ? { _tag: "Float", value: v } : undefined, claim }
      })
      return out
    },
    state: () => ({
      antiTerms: rules === undefined ? [] : encodeRuleLists(rules.writer, [rules.numberAlpha ?? NaN, rules.variableAlpha ?? NaN], rules.heads),
      definiteEmitter: [...emitter],
      definiteSlot: [slot]
    }),
    loadState: (state) =>
      Effect.gen(function* () {
        slot = yield* restoreSearch(state, "definiteEmitter", "definiteSlot", emitter)
        const saved = yield* savedRules(state, "antiTerms")
        const alpha = (x: number) => (Number.isNaN(x) ? undefined : x)
        rules = saved === undefined ? undefined : { heads: saved.lists, numberAlpha: alpha(saved.lead[0]), variableAlpha: alpha(saved.lead[1]), writer: saved.writer }
      })
  }

}
