/**
 * What the three optimizers share: option checks, gradient clipping, the step counter,
 * per-parameter buffers and their (de)serialisation. Each optimizer supplies only its
 * `UpdateRule`: the update of one parameter, a plain loop over Float64Arrays.
 */
import { Effect } from "effect"
import {
  OptimizerError,
  resolveOptions,
  type OptimizerInstance,
  type OptimizerKind,
  type OptimizerOptions,
  type OptimizerState,
  type ResolvedOptimizerOptions
} from "../../services/Optimizer.js"
import { clipGradNorm } from "../../tensor/gradNorm.js"
import type { Parameter } from "../../tensor/Module.js"

export interface UpdateRule {
  readonly kind: OptimizerKind
  /** Names of the per-parameter buffers, e.g. ["m", "v"]; each starts at zero. */
  readonly slots: ReadonlyArray<string>
  /**
   * Updates p in place from its gradient g. `buffers[k]` belongs to `slots[k]`;
   * t is the 1-based number of this step; lr the current learning rate.
   */
  readonly update: (
    p: Float64Array,
    g: Float64Array,
    buffers: ReadonlyArray<Float64Array>,
    lr: number,
    t: number,
    options: ResolvedOptimizerOptions
  ) => void
}

const mismatch = (message: string) => new OptimizerError({ reason: "StateMismatch", message })

export const makeInstance = (
  rule: UpdateRule,
  params: ReadonlyArray<Parameter>,
  options?: OptimizerOptions
): Effect.Effect<OptimizerInstance, OptimizerError> =>
  Effect.gen(function* () {
    const resolved = yield* resolveOptions(options)
    if (new Set(params).size !== params.length) {
      return yield* new OptimizerError({ reason: "InvalidOptions", message: "a parameter is listed twice" })
    }
    const ps = [...params]
    // buffers[i][k]: slot k of parameter i
    const buffers = ps.map((p) => rule.slots.map(() => new Float64Array(p.size)))
    let t = 0
    let lr = resolved.learningRate

    const step = (): void => {
      if (resolved.gradClipNorm !== null) clipGradNorm(ps, resolved.gradClipNorm)
      t++
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i]!
        if (p.grad === null) continue
        rule.update(p.data, p.grad, buffers[i]!, lr, t, resolved)
      }
    }

    const state = (): OptimizerState => {
      const named: Record<string, Float64Array> = {}
      buffers.forEach((slots, i) => slots.forEach((b, k) => (named[`${rule.slots[k]!}.${i}`] = b.slice())))
      const shapes = ps.map((p) => [p.rows, p.cols] as const)
      return { kind: rule.kind, step: t, learningRate: lr, shapes, buffers: named }
    }

    const loadState = (saved: OptimizerState): Effect.Effect<void, OptimizerError> =>
      Effect.gen(function* () {
        if (saved.kind !== rule.kind) {
          return yield* mismatch(`a ${saved.kind} state cannot be loaded into ${rule.kind}`)
        }
        if (!(Number.isSafeInteger(saved.step) && saved.step >= 0)) {
          return yield* mismatch(`step must be a non-negative integer, got ${saved.step}`)
        }
        if (!(Number.isFinite(saved.learningRate) && saved.learningRate >= 0)) {
          return yield* mismatch(`learning rate must be ≥ 0, got ${saved.learningRate}`)
        }
        if (saved.shapes.length !== ps.length) {
          return yield* mismatch(`the state is for ${saved.shapes.length} parameters, this optimizer has ${ps.length}`)
        }
        for (let i = 0; i < ps.length; i++) {
          const [rows, cols] = saved.shapes[i]!
          const p = ps[i]!
          if (rows !== p.rows || cols !== p.cols) {
            return yield* mismatch(`parameter ${i} is [${p.rows}, ${p.cols}], the state has [${rows}, ${cols}]`)
          }
        }
        const expected = new Set<string>()
        for (let i = 0; i < ps.length; i++) {
          for (const slot of rule.slots) {
            const name = `${slot}.${i}`
            expected.add(name)
            const b = saved.buffers[name]
            if (b === undefined) return yield* mismatch(`the state has no buffer "${name}"`)
            if (b.length !== ps[i]!.size) {
              return yield* mismatch(`buffer "${name}" has ${b.length} values, parameter ${i} has ${ps[i]!.size}`)
            }
          }
        }
        for (const name of Object.keys(saved.buffers)) {
          if (!expected.has(name)) return yield* mismatch(`the state has an unknown buffer "${name}"`)
        }
        buffers.forEach((slots, i) => slots.forEach((b, k) => b.set(saved.buffers[`${rule.slots[k]!}.${i}`]!)))
        t = saved.step
        lr = saved.learningRate
      })

    return {
      kind: rule.kind,
      options: resolved,
      params: ps,
      step,
      // As PyTorch's zero_grad(set_to_none=True): a parameter that gets no gradient in
      // the next backward pass is skipped by step(), whatever happened before, so a run
      // resumed from a checkpoint takes exactly the steps of an uninterrupted one.
      zeroGrad: () => {
        for (const p of ps) p.grad = null
      },
      stepCount: () => t,
      learningRate: () => lr,
      setLearningRate: (next: number) => {
        if (!(Number.isFinite(next) && next >= 0)) throw new RangeError(`setLearningRate: ${next}`)
        lr = next
      },
      state,
      loadState
    }
  })
