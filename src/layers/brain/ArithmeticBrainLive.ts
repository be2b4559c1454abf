/**
 * The default Brain layer: ArithmeticBrain wrapped as a BrainModel, with its training
 * schedule (BRAIN-NOTES): the first quarter of a schedule warms every unit up on every
 * example and teaches the gates which unit fits; then each head's gate is locked to
 * its argmax and the value itself is trained.
 *
 * Inputs with an unknown (level 7, `(solve (= lhs rhs) x)`): every node also carries its
 * tangent along the unknown, so an affine node carries (α, β); the unknown's own pair is
 * learned from the per-side affine targets (`subtreeAffine`, an auxiliary loss), and the
 * sides pass their target pairs up while training. Heads that have no one-operator data
 * (their nodes are not numbers) are locked by a joint search over candidate units and
 * parameters (the current ones, a small affine grid, the readout fitted in log space under
 * every sign choice), scored on the step's examples; the readout's signs are searched
 * again a few times per schedule (BRAIN-NOTES: a sign is a discrete choice, not a weight).
 * That search is ./unknownSearch.ts.
 *
 * Derivatives and definite integrals (levels 5–6) are answered by rules the brain finds by
 * search on its own evaluator's values (./symbolic/, docs/brain.md).
 */
import { Effect, Layer } from "effect"
import type { Expr } from "../../domain/Expr.js"
import { Rng } from "../../domain/Random.js"
import * as T from "../../tensor/index.js"
import type { Tensor } from "../../tensor/index.js"
import { Brain, BrainError, type BrainExample, type BrainModel, type TrainingProgress } from "../../services/Brain.js"
import { ArithmeticBrain, type BrainForward } from "./ArithmeticBrain.js"
import { canFeaturize, featurize, freeSymbols, hasUnboundSymbol, headRowsOf, type BrainInput, type FeaturizedBatch } from "./featurize.js"
import { chooseUnit, fixUnitParameters, setUnitParameters, teacherSamples } from "./search.js"
import { isCorrectNumber, numericObjective, relativeError, polishObjective, warmupObjective } from "./objective.js"
import { predictChecked } from "./predict.js"
import { definiteOf, makeDefiniteHeads } from "./symbolic/DefiniteHeads.js"
import { evaluatorOf, makeSymbolicHeads } from "./symbolic/SymbolicHeads.js"
import { lockByScore, lockJointly, searchReadoutSigns } from "./unknownSearch.js"

export const WARMUP_FRACTION = 0.25

const targetsOf = (batch: ReadonlyArray<BrainExample>): Float64Array =>
  Float64Array.from(batch.map((ex) => (ex.target._tag === "Number" ? ex.target.value : NaN)))

/**
 * Whether the bottom-up value path takes the input: an input row for every head, no free
 * symbol (a number that depends on one is not known), and not a definite problem
 * `(h f v a b)` (those are answered through learned antitangents).
 */
const featurizable = (input: BrainInput): boolean =>
  canFeaturize(input.expr) && definiteOf(input) === undefined && freeSymbols(input).length === 0

/** The batch's affine targets, or undefined when no example has any (featurize then skips them). */
const affineOf = (batch: ReadonlyArray<BrainExample>) =>
  batch.some((ex) => ex.subtreeAffine !== undefined) ? batch.map((ex) => ex.subtreeAffine) : undefined

/**
 * Auxiliary loss on the rows with affine targets [α, β]: their tangent against α and their
 * value against β, log(1 + relerr²) each (BRAIN-NOTES: without per-side targets L7 stays at 0.1 %).
 */
const affineLoss = (forward: BrainForward, features: FeaturizedBatch): Tensor | undefined => {
  const affine = features.nodeAffine
  const tangents = forward.tangents
  if (affine === undefined || tangents === undefined) return undefined
  const rows: Array<number> = []
  for (let r = 0; r < affine.length / 2; r++) if (!Number.isNaN(affine[2 * r])) rows.push(r)
  if (rows.length === 0) return undefined
  const alpha = Float64Array.from(rows, (r) => affine[2 * r] as number)
  const beta = Float64Array.from(rows, (r) => affine[2 * r + 1] as number)
  const smooth = (err: Tensor) => T.log(T.addScalar(T.square(err), 1))
  return T.mean(T.add(smooth(relativeError(T.gather(tangents, rows), alpha)), smooth(relativeError(T.gather(forward.values, rows), beta))))
}

/** How often per schedule the readout signs are searched again. */
export const SIGN_SEARCHES = 40

/** Fewer one-operator samples than this in a step: a head's choice waits (until half the schedule). */
export const MIN_SEARCH_SAMPLES = 8

/**
 * Locks each fresh head to the unit found by search on the step's one-operator data
 * (./search.ts), setting the head's parameters of that unit; a head with too few
 * samples waits for a later step, and without per-node targets the gate's argmax is used.
 */
const lockBySearch = (net: ArithmeticBrain, batch: ReadonlyArray<BrainExample>, fresh: ReadonlyArray<number>, fraction: number) => {
  const wanted = new Set(fresh)
  const examples = batch.filter(
    (ex) => ex.target._tag === "Number" && ex.subtreeValues !== undefined && featurizable(ex.input) && [...headRowsOf(ex.input.expr)].some((h) => wanted.has(h))
  )
  const samples =
    examples.length === 0
      ? new Map()
      : teacherSamples(featurize(examples.map((ex) => ex.input), examples.map((ex) => ex.subtreeValues)), wanted)
  const byArgmax: Array<number> = []
  for (const h of fresh) {
    const s = samples.get(h)
    const n = s?.y.length ?? 0
    // A head with no one-operator data at all (its nodes have no number value, as an
    // equation's) is locked at once: waiting cannot help, and an early stop may come first.
    if (n >= MIN_SEARCH_SAMPLES || (n > 0 && fraction >= 0.5)) {
      const choice = chooseUnit(net, h, s!)
      // An exact fit on enough data is kept as it is; otherwise training goes on from it.
      if (choice.hits === 1 && choice.samples >= MIN_SEARCH_SAMPLES) fixUnitParameters(net, h, choice.unit, choice.parameters)
      else T.noGrad(() => setUnitParameters(net, h, choice.unit, choice.parameters))
      net.lockedPath[h] = choice.unit
    } else if (n === 0 || examples.length === 0 || fraction >= 0.5) byArgmax.push(h)
  }
  if (byArgmax.length === 0) return
  // With unknowns in the step, heads without one-operator data are locked by their score.
  const unknowns = batch.filter((ex) => ex.target._tag === "Number" && featurizable(ex.input))
  const features = unknowns.length === 0 ? undefined : featurize(unknowns.map((ex) => ex.input), undefined, affineOf(unknowns))
  if (features !== undefined && features.hasUnbound) {
    if (!lockJointly(net, features, targetsOf(unknowns), byArgmax)) lockByScore(net, features, targetsOf(unknowns), byArgmax)
  }
  else net.lockGates(byArgmax)
}

export const makeModel = (net: ArithmeticBrain): BrainModel => {
  /** The last sign-search slot (of SIGN_SEARCHES per schedule), part of the state. */
  let signSearch = -1
  // Expression answers (level 5) and definite problems (level 6): rules and root emitters, learned in prepareStep.
  const symbolic = makeSymbolicHeads(evaluatorOf(net))
  const definite = makeDefiniteHeads(evaluatorOf(net), symbolic.tangentRules, symbolic.knownAntitangent, symbolic.simplify)
  const answerers = { net, evaluate: evaluatorOf(net).evaluate, symbolic, definite }
  const prepareNumeric = (batch: ReadonlyArray<BrainExample>, progress: TrainingProgress) => {
    // After the warm-up, every head the step reads is locked before any shard runs.
    if (progress.fraction < WARMUP_FRACTION) return
    const rows = new Set<number>()
    for (const ex of batch) if (ex.target._tag === "Number" && featurizable(ex.input)) headRowsOf(ex.input.expr, rows)
    const fresh = unlockedHeads(rows)
    if (fresh.length > 0) lockBySearch(net, batch, fresh, progress.fraction)
    // The readout's discrete choices of the unfrozen heads, SIGN_SEARCHES times a schedule.
    const slot = Math.floor(progress.fraction * SIGN_SEARCHES)
    if (slot === signSearch) return
    const numeric = batch.filter((ex) => ex.target._tag === "Number" && featurizable(ex.input))
    // Checked before featurizing: steps of levels 1–6 have no unknown, and building their
    // batch here for nothing was 0.4 of the 1.0 ms prepareStep took on a level-3 step.
    if (!numeric.some((ex) => hasUnboundSymbol(ex.input))) return
    const features = featurize(numeric.map((ex) => ex.input), undefined, affineOf(numeric))
    signSearch = slot
    const open = [...new Set(features.levels.flatMap((l) => [...l.head]))].filter((h) => net.frozenHead[h] === 0).sort((a, b) => a - b)
    searchReadoutSigns(net, features, targetsOf(numeric), open)
  }
  const unlockedHeads = (rows: Iterable<number>) => [...new Set(rows)].filter((h) => (net.lockedPath[h] as number) < 0)
  return {
    kind: "arithmetic-cells",
    shape: { embedding: net.shape.embedding },
    module: net,
    objective: (batch, progress) => {
      // Only number targets on the bottom-up path: expression answers and definite problems
      // (levels 5–6) are learned by the symbolic heads' searches in prepareStep.
      const numeric = batch.filter((ex) => ex.target._tag === "Number" && featurizable(ex.input))
      if (numeric.length === 0) return T.scalar(0)
      const features = featurize(
        numeric.map((ex) => ex.input),
        numeric.map((ex) => ex.subtreeValues),
        affineOf(numeric)
      )
      const heads = features.levels.flatMap((l) => [...l.head])
      const warm = progress.fraction < WARMUP_FRACTION && unlockedHeads(heads).length > 0
      // No state changes here (shards of a step may run on copies of the model): gates are
      // locked by prepareStep; a head still unlocked after the warm-up mixes its units.
      if (!warm) {
        // The sides of an equation pass their target pairs up (the unknown's own pair learns from the auxiliary loss).
        const forward = net.forward(features, { affineForcing: true })
        let main = numericObjective(forward, targetsOf(numeric))
        const aux = affineLoss(forward, features)
        return aux === undefined ? main : T.add(main, aux)
      }
      const forward = net.forward(features, { teacherForcing: true })
      // Every node with a known value but the number leaves (whose value is their input).
      const numberLeaf = new Uint8Array(features.leafCount).fill(1)
      for (const r of features.symbolLeafRow) numberLeaf[r] = 0
      const rows: Array<number> = []
      const targets: Array<number> = []
      const nodeTargets = features.nodeTargets
      if (nodeTargets !== undefined)
        for (let r = 1; r < nodeTargets.length; r++)
          if (!Number.isNaN(nodeTargets[r]) && !(r < features.leafCount && numberLeaf[r])) {
            rows.push(r)
            targets.push(nodeTargets[r] as number)
          }
      // With unknowns, roots whose value is not a subtree's (an equation's solution) take the answer.
      if (features.hasUnbound && nodeTargets !== undefined) {
        const y = targetsOf(numeric)
        features.roots.forEach((r, k) => {
          if (Number.isNaN(nodeTargets[r]) && !Number.isNaN(y[k])) {
            rows.push(r)
            targets.push(y[k] as number)
          }
        })
      }
      const aux = affineLoss(forward, features)
      const warm0 =
        rows.length === 0 ? warmupObjective(forward, features.roots, targetsOf(numeric)) : warmupObjective(forward, rows, Float64Array.from(targets))
      return aux === undefined ? warm0 : T.add(warm0, aux)
    },
    canLearn: (ex) => (ex.target._tag === "Number" && featurizable(ex.input)) || symbolic.canLearn(ex) || definite.canLearn(ex),
    prepareStep: (batch, progress) => {
      prepareNumeric(batch, progress)
      symbolic.prepareStep(batch, progress)
      definite.prepareStep(batch, progress)
    },
    predictWithReasons: (inputs) => predictChecked(answerers, inputs),
    predict: (inputs) => predictChecked(answerers, inputs).map((p) => p.answer),
    polish: (train, iterations) => {
      // Inputs with an unknown are left out: their heads' parameters were fixed by search, the
      // unknown's pair learns from its affine targets, and their tangent pass made each
      // L-BFGS iteration minutes long on the trainer's sample.
      const numeric = train.filter((ex) => ex.target._tag === "Number" && featurizable(ex.input) && !hasUnboundSymbol(ex.input))
      if (numeric.length === 0) return { before: 0, after: 0 }
      const features = featurize(numeric.map((ex) => ex.input))
      const y = targetsOf(numeric)
      const accuracy = () =>
        T.noGrad(() => {
          const out = net.forward(features).output.data
          let ok = 0
          for (let i = 0; i < y.length; i++) if (isCorrectNumber(out[i] as number, y[i] as number)) ok++
          return ok / Math.max(1, y.length)
        })
      const before = accuracy()
      const saved = net.stateDict()
      T.lbfgs(net.parameters(), () => polishObjective(net.forward(features), y), { iterations })
      const after = accuracy()
      if (after < before) {
        net.loadStateDict(saved)
        return { before, after: before }
      }
      return { before, after }
    },
    consolidate: () => net.consolidate(),
    state: () => ({
      ...symbolic.state(),
      ...definite.state(),
      lockedPath: [...net.lockedPath],
      consolidated: [net.consolidated ? 1 : 0],
      frozenHead: [...net.frozenHead],
      solvedHead: [...net.solvedHead],
      readoutSigns: [...net.readoutSigns],
      signSearch: [signSearch]
    }),
    loadState: (state) =>
      Effect.suspend(() => {
        const locked = state["lockedPath"]
        if (locked === undefined || locked.length !== net.lockedPath.length)
          return Effect.fail(new BrainError({ reason: "BadState", message: "lockedPath is missing or has the wrong length" }))
        const frozen = state["frozenHead"] ?? new Array<number>(net.frozenHead.length).fill(0)
        if (frozen.length !== net.frozenHead.length)
          return Effect.fail(new BrainError({ reason: "BadState", message: "frozenHead has the wrong length" }))
        net.lockedPath.set(locked)
        // The frozen rows' values are parameters (loaded with the state dict); only the flags live here.
        net.frozenHead.set(frozen)
        const solved = state["solvedHead"] ?? new Array<number>(net.solvedHead.length).fill(0)
        if (solved.length !== net.solvedHead.length)
          return Effect.fail(new BrainError({ reason: "BadState", message: "solvedHead has the wrong length" }))
        net.solvedHead.set(solved)
        net.applyFreezing(state["consolidated"]?.[0] === 1)
        const signs = state["readoutSigns"] ?? new Array<number>(net.readoutSigns.length).fill(1)
        if (signs.length !== net.readoutSigns.length)
          return Effect.fail(new BrainError({ reason: "BadState", message: "readoutSigns has the wrong length" }))
        net.readoutSigns.set(signs)
        signSearch = state["signSearch"]?.[0] ?? -1
        return Effect.zipRight(symbolic.loadState(state), definite.loadState(state))
      })
  }
}

export const make = (options: { readonly seed: number; readonly shape?: Readonly<Record<string, number>> }) =>
  Effect.sync(() => makeModel(new ArithmeticBrain(Rng.seeded(options.seed, 0xb7a1), { embedding: options.shape?.["embedding"] ?? 8 })))

export const ArithmeticBrainLive: Layer.Layer<Brain> = Layer.succeed(Brain, Brain.of({ make }))
