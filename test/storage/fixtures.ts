/** Checkpoints and dataset lines for the Storage tests. */
import { encodeLine } from "../../src/domain/Example.js"
import type { Checkpoint, ExpectedModel } from "../../src/services/Storage.js"
import { Rng } from "../../src/domain/Random.js"

/** Doubles from random bit patterns: NaNs with payloads, ±0, ±∞, subnormals, everything. */
export const randomBits = (rng: Rng, n: number): Float64Array => {
  const words = new Uint32Array(2 * n)
  for (let i = 0; i < words.length; i++) words[i] = rng.nextUint32()
  const out = new Float64Array(words.buffer)
  const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, NaN]
  for (let i = 0; i < Math.min(n, specials.length); i++) out[i] = specials[i]!
  return out
}

export const sameBits = (a: Float64Array | undefined, b: Float64Array | undefined): boolean => {
  if (a === undefined || b === undefined || a.length !== b.length) return false
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  return x.every((v, i) => v === y[i])
}

/** A two-layer model's checkpoint with an Adam state; `seed` varies the values. */
export const sampleCheckpoint = (seed = 1, hidden = 8): Checkpoint => {
  const rng = Rng.seeded(seed)
  const shapes = { "affine.map.weight": [hidden, 2], "affine.map.bias": [hidden, 1], "head.weight": [1, hidden] } as const
  const parameters = Object.fromEntries(Object.entries(shapes).map(([name, [r, c]]) => [name, randomBits(rng, r * c)]))
  const buffers: Record<string, Float64Array> = {}
  Object.values(shapes).forEach(([r, c], i) => {
    buffers[`m.${i}`] = randomBits(rng, r * c)
    buffers[`v.${i}`] = randomBits(rng, r * c)
  })
  return {
    model: { kind: "affine-test", shape: { hidden, inputs: 2 }, state: { gates: [1, 0, -0.5, 3], empty: [] } },
    parameters,
    parameterShapes: shapes,
    optimizer: { kind: "adam", step: 1234, learningRate: 0.001, shapes: Object.values(shapes), buffers },
    level: 3,
    epoch: 7,
    config: { training: { batch_size: 32, epochs: 10 }, optimizer: { type: "adam" }, unicode: "λ → ∂" },
    rng: { shuffle: rng.state(), init: { s: [1, 2, 3, 4] } },
    metrics: { loss: 0.125, accuracy: 0.96875, ged: 1.5, history: [{ epoch: 1, loss: 2 }] }
  }
}

export const expectedOfSample = (c: Checkpoint): ExpectedModel => ({
  kind: c.model.kind,
  shape: c.model.shape,
  parameterShapes: c.parameterShapes
})

const add = (a: number, b: number) => ({
  BinOp: { op: "Add" as const, left: { Value: { Integer: a } }, right: { Value: { Integer: b } } }
})

/** A valid dataset line: `(+ a b)` at `level`, with an id that says where it is. */
export const exampleLine = (id: string, level: number, a: number, b: number, extra?: Record<string, unknown>): string =>
  encodeLine({
    id,
    level,
    input_polish: `(+ ${a} ${b})`,
    input_expr: add(a, b),
    expected_result: a + b,
    expected_symbolic: null,
    bindings: [],
    extra
  })

/** `n` lines of one file, ids `<prefix>-<i>`. */
export const datasetText = (prefix: string, level: number, n: number, extra?: (i: number) => Record<string, unknown>): string =>
  Array.from({ length: n }, (_, i) => exampleLine(`${prefix}-${i}`, level, i % 100, (7 * i) % 100, extra?.(i))).join("\n") + "\n"
