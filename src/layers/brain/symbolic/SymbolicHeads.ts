/**
 * Expression answers of the default brain: inputs `(h f v)` whose second argument is an
 * unbound symbol and whose target is an expression (level 5, `(derive f x)`).
 *
 * What the brain learns here, all of it from training data and its own evaluator:
 *   - tangent rules, one per head of f (./learn.ts): how a node's tangent along v follows
 *     from its children's, found by best-subset search on the finite differences of the
 *     brain's own learned values (the L1–L4 skills), never from a rule written per head;
 *   - which emitter answers a root head h: copy f, or f's tangent along v. A discrete
 *     choice per head row, scored on the step's examples by comparing each candidate's
 *     values with the target's, both computed by the brain's evaluator.
 *
 * Rules are only learned from trees whose heads all have a locked unit (an evaluator the
 * brain trusts); a head whose search finds no rule is tried again on later steps.
 */
import { Effect } from "effect"
import type { Expr } from "../../../domain/Expr.js"
import { int, rational, sym } from "../../../domain/Expr.js"
import { Rng } from "../../../domain/Random.js"
import * as T from "../../../tensor/index.js"
import { BrainError, type BrainExample, type BrainState, type TrainingProgress } from "../../../services/Brain.js"
import { PATH_COUNT, type ArithmeticBrain } from "../ArithmeticBrain.js"
import { canFeaturize, featurize, headRowsOf, unknownOf, type BrainInput } from "../featurize.js"
import type { TangentClaim } from "../selfCheck.js"
import { arityOf, headRow, heads, nodeOf } from "../vocabulary.js"
import { emitTangent, type TangentRules, type TermsWriter } from "./emit.js"
import { learnTangentRules } from "./learn.js"
import { restoreSearch, searchStep, trusts, type TrustedEvaluator } from "./schedule.js"
import { encodeRules, savedRules } from "./codec.js"
import { makeSimplifier } from "../simplify/Simplifier.js"
import { makeRuleForms } from "./ruleForms.js"

/** The emitters a root head may answer with. */
export const EMITTERS = ["copy", "tangent"] as const
const COPY = 0
const TANGENT = 1

/** Every head's rule written as the signed sum of its terms. */
const asLearned: TermsWriter = () => undefined

/** Points at which an emitter's answer and the target are compared. */
const SCORE_POINTS = [0.7, 1.3]

interface Problem {
  readonly root: number
  readonly f: Expr
  readonly variable: string
  /** f's other symbols: constants along the variable (kept as symbols in the answer). */
  readonly constants: ReadonlyArray<string>
}

/** `(h f v)` with v a symbol the input does not bind (its unknown), every head with an input row. */
export const problemOf = (input: BrainInput): Problem | undefined => {
  const e = input.expr
  if ((e._tag !== "Op" && e._tag !== "Fn") || e.args.length !== 2) return undefined
  const f = e.args[0] as Expr
  const variable = unknownOf(input)
  if (variable === undefined || !canFeaturize(e)) return undefined
  return { root: headRow(e, 2), f, variable, constants: symbolsOf(f).filter((name) => name !== variable) }
}

/** The names of e's symbols, in order of appearance. */
export const symbolsOf = (e: Expr, into: Array<string> = []): Array<string> => {
  if (e._tag === "Symbol") {
    if (!into.includes(e.name)) into.push(e.name)
  } else if (e._tag === "Op" || e._tag === "Fn") for (const a of e.args) symbolsOf(a, into)
  return into
}

/**
 * Values at which a problem's constants are held when the brain evaluates it (the i-th
 * constant at the i-th value): generic points away from 0 and 1, where no two factors of
 * a candidate coincide by accident.
 */
export const constantValue = (i: number): number => 0.83 + 0.29 * i
export const constantBindings = (constants: ReadonlyArray<string>): Array<readonly [string, number]> =>
  constants.map((name, i) => [name, constantValue(i)] as const)

export interface SymbolicHeads {
  readonly canLearn: (ex: BrainExample) => boolean
  readonly prepareStep: (batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => void
  /**
   * The answer to an input, or undefined when no emitter is learned for it (the numeric
   * path answers); with the claim the brain checks before giving it (../selfCheck.ts).
   */
  readonly answer: (input: BrainInput) => { readonly expr: Expr | undefined; readonly claim?: TangentClaim | undefined } | undefined
  readonly state: () => BrainState
  readonly loadState: (state: BrainState) => Effect.Effect<void, BrainError>
  /** The tangent rules learned so far (level 6's antitangents build on them). */
  readonly tangentRules: () => TangentRules | undefined
  /** The learned simplifier: an equivalent expression in the form it chose (e itself before it learned). */
  readonly simplify: (e: Expr) => Expr
  /**
   * An antitangent of e along v that the brain knows by construction: when e is a problem
   * `(h g v)` it answers with g's tangent along v, g is one (the definition of an
   * antitangent, read off its own learned emitter choice). Undefined otherwise.
   */
  readonly knownAntitangent: KnownAntitangent
}

/** An antitangent known by construction, with the integrand as the brain writes it (its tangent of the antitangent). */
export type KnownAntitangent = (e: Expr, variable: string) => { readonly antitangent: Expr; readonly integrand: Expr } | undefined

/** The variable of the trees the brain writes to explore a head (any name reads the same: symbols are pointers). */
const EXPLORED_VARIABLE = "v"
/** Copies of each exploration tree of a unary head (each is sampled at its own points). */
const EXPLORATION_COPIES = 8
/**
 * The numbers beside the variable in exploration trees of a binary head: positive, as the
 * variable's points are (where a head's value is defined for real arguments at all).
 */
const EXPLORATION_NUMBERS: ReadonlyArray<Expr> = [int(2), int(3), int(5), int(7), rational(1n, 2n), rational(3n, 2n), rational(5n, 4n), rational(9n, 4n)]

/**
 * Trees the brain writes to learn the tangent rule of a head it can evaluate: the head
 * applied to the variable, beside a number for two arguments (on either side, so that
 * each child's tangent is seen alone). Name and arity come from the vocabulary, as data;
 * which rule the head follows is then found by the same search on the brain's own values.
 */
export const explorationTrees = (head: number): Array<Expr> => {
  const v = sym(EXPLORED_VARIABLE)
  return arityOf(head) === 1
    ? new Array<Expr>(EXPLORATION_COPIES).fill(nodeOf(head, [v]))
    : EXPLORATION_NUMBERS.flatMap((c) => [nodeOf(head, [v, c]), nodeOf(head, [c, v])])
}

/** The brain's own evaluator, and which heads it has a locked value unit for (the readout needs tangents). */
export const evaluatorOf = (net: ArithmeticBrain): TrustedEvaluator => ({
  evaluate: (batch) => T.noGrad(() => Float64Array.from(net.forward(batch).values.data)),
  isLocked: (head: number) => (net.lockedPath[head] as number) >= 0 && (net.lockedPath[head] as number) < PATH_COUNT
})

export const makeSymbolicHeads = (evaluator: TrustedEvaluator): SymbolicHeads => {
  let rules: TangentRules | undefined
  const emitter = new Int32Array(heads.length).fill(-1)
  let slot = -1
  const evaluate = evaluator.evaluate
  // Issue #15: emitted answers pass through the learned simplifier (../simplify/). A
  // simplified answer may hold a head the brain has no tangent rule for (a unary minus):
  // a problem over it (a higher derivative) is then answered over the unsimplified one.
  const simplifier = makeSimplifier(evaluator)
  const unsimplified = new WeakMap<Expr, Expr>()
  // How each head's rule is written (a signed sum, or over a common denominator), chosen by GED (./ruleForms.ts).
  const forms = makeRuleForms(evaluate)

  /** The emitter's answer, each head's rule written in its chosen form unless `write` says otherwise. */
  const emit = (p: Problem, kind: number, write?: TermsWriter): Expr | undefined =>
    kind === COPY ? p.f : kind === TANGENT && rules !== undefined ? emitTangent(p.f, p.variable, rules, headRow, write ?? forms.writer(rules.writer)) : undefined

  /** Examples whose answer by emitter `kind` agrees with the target at every score point (brain-evaluated). */
  const score = (examples: ReadonlyArray<{ readonly p: Problem; readonly target: Expr }>, kind: number): number => {
    const pairs: Array<BrainInput> = []
    const owners: Array<number> = []
    examples.forEach(({ p, target }, k) => {
      const answer = emit(p, kind)
      if (answer === undefined || !canFeaturize(answer) || !canFeaturize(target)) return
      for (const x of SCORE_POINTS) {
        const bindings = [[p.variable, x] as const, ...constantBindings(p.constants)]
        pairs.push({ expr: answer, bindings }, { expr: target, bindings })
        owners.push(k)
      }
    })
    if (pairs.length === 0) return 0
    const batch = featurize(pairs)
    const values = evaluate(batch)
    const agree = new Map<number, boolean>()
    owners.forEach((k, i) => {
      const a = values[batch.roots[2 * i] as number] as number
      const t = values[batch.roots[2 * i + 1] as number] as number
      const ok = Number.isFinite(a) && Number.isFinite(t) && Math.abs(a - t) <= 1e-6 * (1 + Math.abs(t))
      agree.set(k, (agree.get(k) ?? true) && ok)
    })
    let hits = 0
    for (const ok of agree.values()) if (ok) hits++
    return hits
  }

  return {
    tangentRules: () => rules,
    simplify: (e) => simplifier.simplify(e),
    knownAntitangent: (e, variable) => {
      if ((e._tag !== "Op" && e._tag !== "Fn") || e.args.length !== 2 || !canFeaturize(e)) return undefined
      const v = e.args[1] as Expr
      if (v._tag !== "Symbol" || v.name !== variable || emitter[headRow(e, 2)] !== TANGENT || rules === undefined) return undefined
      const antitangent = e.args[0] as Expr
      const integrand = emitTangent(antitangent, variable, rules, headRow)
      return integrand === undefined ? undefined : { antitangent, integrand }
    },
    canLearn: (ex) => ex.target._tag === "Expression" && problemOf(ex.input) !== undefined,
    prepareStep: (batch, progress) => {
      const examples: Array<{ p: Problem; target: Expr }> = []
      for (const ex of batch) {
        if (ex.target._tag !== "Expression") continue
        const p = problemOf(ex.input)
        if (p !== undefined && trusts(evaluator, p.f)) examples.push({ p, target: ex.target.expr })
      }
      slot = searchStep(
        examples,
        progress.fraction,
        { hasRule: (h) => rules?.heads.has(h) === true, emitter, slot },
        (missing, now) => {
          // Every head it can evaluate and has no rule for is also explored on trees it writes itself.
          const explored = [...heads.keys()].filter((h) => evaluator.isLocked(h) && rules?.heads.has(h) !== true)
          const problems = [
            ...examples.map(({ p }) => ({ expr: p.f, variable: p.variable, constants: p.constants })),
            ...explored.flatMap((h) => explorationTrees(h).map((expr) => ({ expr, variable: EXPLORED_VARIABLE })))
          ]
          rules = learnTangentRules(problems, evaluate, Rng.seeded(0x7a9e + now), rules, new Set([...missing, ...explored]), { usable: evaluator.isLocked })
        },
        (mine) => EMITTERS.map((_, kind) => score(mine, kind))
      )
      const choosing = simplifier.learn(
        examples.flatMap(({ p, target }) => {
          const answer = (emitter[p.root] as number) >= 0 ? emit(p, emitter[p.root] as number) : undefined
          return answer === undefined ? [] : [{ answer, target }]
        })
      )
      if (choosing && rules !== undefined) {
        const tangents = examples.filter(({ p }) => emitter[p.root] === TANGENT)
        const samples = tangents.map(({ p, target }) => ({ rows: headRowsOf(p.f), emit: (write: TermsWriter) => emit(p, TANGENT, write), target }))
        forms.score(rules.heads, rules.writer, samples, simplifier.simplify)
      }
    },
    answer: (input) => {
      const p = problemOf(input)
      const kind = p === undefined ? -1 : (emitter[p.root] as number)
      if (p === undefined || kind < 0) return undefined
      const original = unsimplified.get(p.f)
      const of = (q: Problem, write?: TermsWriter) => emit(q, kind, write) ?? (original === undefined ? undefined : emit({ ...q, f: original }, kind, write))
      const emitted = of(p)
      if (emitted === undefined) return { expr: undefined }
      const expr = simplifier.simplify(emitted)
      if (kind !== TANGENT) return { expr }
      // The tangent emitter claims that its emitted terms are f's tangent: checked on the
      // brain's own values, as a signed sum of terms (the rule as learned). The chosen forms
      // only write the same terms otherwise (over v·v, which its units read less faithfully
      // where v is near 0), and the simplifier's rewrites are each confirmed when learned;
      // its forms may read the units where they are less faithful, as exp of a large negative.
      const terms = forms.writesAny() ? (of(p, asLearned) as Expr) : emitted
      unsimplified.set(expr, terms)
      return { expr, claim: { f: p.f, g: terms, describe: "its derivative", source: "f", minPoints: 0, variable: p.variable, bindings: [...constantBindings(p.constants), ...input.bindings] } }
    },
    state: () => ({
      tangentTerms: rules === undefined ? [] : encodeRules(rules.writer, [rules.numberSlope, rules.variableSlope], rules.heads),
      emitter: [...emitter],
      symbolicSlot: [slot],
      tangentForms: forms.state(),
      ...simplifier.state()
    }),
    loadState: (state) =>
      Effect.gen(function* () {
        slot = yield* restoreSearch(state, "emitter", "symbolicSlot", emitter)
        const saved = yield* savedRules(state, "tangentTerms")
        rules = saved === undefined ? undefined : { heads: saved.heads, numberSlope: saved.lead[0], variableSlope: saved.lead[1], writer: saved.writer }
        if (!forms.load(state["tangentForms"] ?? [])) return yield* Effect.fail(new BrainError({ reason: "BadState", message: "tangentForms is malformed" }))
        yield* simplifier.loadState(state)
      })
  }
}
