/**
 * The default Brain layer: ArithmeticBrain wrapped as a BrainModel, with its training
 * schedule (BRAIN-NOTES): the first quarter of a schedule warms every unit up on every
 * example and teaches the gates which unit fits; then each head's gate is locked to
 * its argmax and the value itself is trained.
 */
import { Effect, Layer } from "effect"
import type { Expr } from "../../domain/Expr.js"
import { Rng } from "../../domain/Random.js"
import * as T from "../../tensor/index.js"
import { Brain, BrainError, type BrainExample, type BrainModel } from "../../services/Brain.js"
import { ArithmeticBrain } from "./ArithmeticBrain.js"
import { canFeaturize, featurize, headRowsOf, type BrainInput } from "./featurize.js"
import { chooseUnit, fixUnitParameters, setUnitParameters, teacherSamples } from "./search.js"
import { isCorrectNumber, numericObjective, relativeError, polishObjective, warmupObjective } from "./objective.js"

export const WARMUP_FRACTION = 0.25

const targetsOf = (batch: ReadonlyArray<BrainExample>): Float64Array =>
  Float64Array.from(batch.map((ex) => (ex.target._tag === "Number" ? ex.target.value : NaN)))

/** Whether this architecture has an input for every head of the expression. */
const featurizable = (input: BrainInput): boolean => canFeaturize(input.expr)

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
    if (n >= MIN_SEARCH_SAMPLES || (n > 0 && fraction >= 0.5)) {
      const choice = chooseUnit(net, h, s!)
      // An exact fit on enough data is kept as it is; otherwise training goes on from it.
      if (choice.hits === 1 && choice.samples >= MIN_SEARCH_SAMPLES) fixUnitParameters(net, h, choice.unit, choice.parameters)
      else T.noGrad(() => setUnitParameters(net, h, choice.unit, choice.parameters))
      net.lockedPath[h] = choice.unit
    } else if (examples.length === 0 || fraction >= 0.5) byArgmax.push(h)
  }
  if (byArgmax.length > 0) net.lockGates(byArgmax)
}

export const makeModel = (net: ArithmeticBrain): BrainModel => {
  const unlockedHeads = (rows: Iterable<number>) => [...new Set(rows)].filter((h) => (net.lockedPath[h] as number) < 0)
  return {
    kind: "arithmetic-cells",
    shape: { embedding: net.shape.embedding },
    module: net,
    objective: (batch, progress) => {
      // Expression targets (levels 5–6) and inputs without an embedding row (solve,
      // derive, integrate) are outside this architecture: they are not trained on.
      const numeric = batch.filter((ex) => ex.target._tag === "Number" && featurizable(ex.input))
      if (numeric.length === 0) return T.scalar(0)
      const features = featurize(
        numeric.map((ex) => ex.input),
        numeric.map((ex) => ex.subtreeValues)
      )
      const heads = features.levels.flatMap((l) => [...l.head])
      const warm = progress.fraction < WARMUP_FRACTION && unlockedHeads(heads).length > 0
      // No state changes here (shards of a step may run on copies of the model): gates are
      // locked by prepareStep; a head still unlocked after the warm-up mixes its units.
      if (!warm) {
        const forward = net.forward(features)
        const main = numericObjective(forward, targetsOf(numeric))
        // Per-node auxiliary target of the symbol reads (their binding's value), so that the
        // root's gradients through steep units (exp) cannot pull the attention off them.
        const t = features.nodeTargets
        if (t === undefined || net.symbolsFrozen) return main
        const rows = Array.from(features.symbolLeafRow).filter((r) => Number.isFinite(t[r]))
        if (rows.length === 0) return main
        const y = Float64Array.from(rows, (r) => t[r] as number)
        const err = relativeError(T.gather(forward.values, rows), y)
        return T.add(main, T.mean(T.log(T.addScalar(T.square(err), 1))))
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
      if (rows.length === 0) return warmupObjective(forward, features.roots, targetsOf(numeric))
      return warmupObjective(forward, rows, Float64Array.from(targets))
    },
    canLearn: (ex) => ex.target._tag === "Number" && featurizable(ex.input),
    prepareStep: (batch, progress) => {
      // Whether the symbol attention is being trained (consolidate freezes it only then).
      if (!net.symbolsSeen)
        for (const ex of batch)
          if (ex.target._tag === "Number" && hasSymbol(ex.input.expr) && featurizable(ex.input)) {
            net.symbolsSeen = true
            break
          }
      // After the warm-up, every head the step reads is locked before any shard runs.
      if (progress.fraction < WARMUP_FRACTION) return
      const rows = new Set<number>()
      for (const ex of batch) if (ex.target._tag === "Number" && featurizable(ex.input)) headRowsOf(ex.input.expr, rows)
      const fresh = unlockedHeads(rows)
      if (fresh.length > 0) lockBySearch(net, batch, fresh, progress.fraction)
    },
    predict: (inputs: ReadonlyArray<BrainInput>) =>
      T.noGrad(() => {
        const answers: Array<Expr | undefined> = new Array(inputs.length).fill(undefined)
        // An input this architecture has no embedding for gets no answer.
        const usable: Array<number> = []
        for (let i = 0; i < inputs.length; i++) if (featurizable(inputs[i] as BrainInput)) usable.push(i)
        if (usable.length === 0) return answers
        const out = net.forward(featurize(usable.map((i) => inputs[i] as BrainInput))).output
        usable.forEach((i, k) => {
          const v = out.data[k] as number
          answers[i] = Number.isFinite(v) ? { _tag: "Float", value: v } : undefined
        })
        return answers
      }),
    polish: (train, iterations) => {
      const numeric = train.filter((ex) => ex.target._tag === "Number" && featurizable(ex.input))
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
      lockedPath: [...net.lockedPath],
      consolidated: [net.consolidated ? 1 : 0],
      frozenHead: [...net.frozenHead],
      solvedHead: [...net.solvedHead],
      symbols: [net.symbolsSeen ? 1 : 0, net.symbolsFrozen ? 1 : 0]
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
        const symbols = state["symbols"] ?? [0, 0]
        net.symbolsSeen = symbols[0] === 1
        net.applyFreezing(state["consolidated"]?.[0] === 1, symbols[1] === 1)
        return Effect.void
      })
  }
}

const hasSymbol = (e: Expr): boolean => {
  if (e._tag === "Symbol") return true
  if (e._tag !== "Op" && e._tag !== "Fn") return false
  return e.args.some(hasSymbol)
}

export const make = (options: { readonly seed: number; readonly shape?: Readonly<Record<string, number>> }) =>
  Effect.sync(() => makeModel(new ArithmeticBrain(Rng.seeded(options.seed, 0xb7a1), { embedding: options.shape?.["embedding"] ?? 8 })))

export const ArithmeticBrainLive: Layer.Layer<Brain> = Layer.succeed(Brain, Brain.of({ make }))
