/** Encoding a checkpoint to the bytes of the format (../checkpoint.ts). */
import type { Checkpoint } from "../../../services/Storage.js"
import { crc32 } from "../crc32.js"
import type { Role, TensorEntry } from "./format.js"
import { CHECKSUM_BYTES, FORMAT_VERSION, MAGIC, PREFIX_BYTES, putFloats, putU32, shapeText } from "./format.js"

const encoder = new TextEncoder()

/** `m.3` → the shape of parameter 3 when the sizes agree; otherwise a row. */
const bufferShape = (name: string, length: number, shapes: ReadonlyArray<readonly [number, number]>): readonly [number, number] => {
  const match = /\.(\d+)$/.exec(name)
  const shape = match === null ? undefined : shapes[Number(match[1])]
  return shape !== undefined && shape[0] * shape[1] === length ? shape : [1, length]
}

// ─── encode ──────────────────────────────────────────────────────────────────────────

/**
 * The file's bytes. Deterministic: the same checkpoint gives the same bytes. Throws a
 * RangeError on an inconsistent checkpoint (a bug in the caller: names or sizes that
 * disagree, a negative epoch) and a TypeError when the JSON parts cannot be serialized
 * (a BigInt, a cycle). Non-finite numbers in config/rng/metrics become null (JSON).
 */
export const encodeCheckpoint = (c: Checkpoint): Uint8Array => {
  const bad = (message: string) => new RangeError(`encodeCheckpoint: ${message}`)
  if (!Number.isSafeInteger(c.level) || c.level < 0) throw bad(`level must be a non-negative integer, got ${c.level}`)
  if (!Number.isSafeInteger(c.epoch) || c.epoch < 0) throw bad(`epoch must be a non-negative integer, got ${c.epoch}`)
  for (const [key, v] of Object.entries(c.model.shape)) {
    if (!Number.isFinite(v)) throw bad(`model shape ${key} must be a finite number, got ${v}`)
  }

  const tensors: Array<TensorEntry> = []
  const data: Array<Float64Array> = []
  let offset = 0
  const add = (name: string, role: Role, shape: readonly [number, number], values: Float64Array) => {
    const [rows, cols] = shape
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) {
      throw bad(`${role} ${name} has an invalid shape ${shapeText(shape)}`)
    }
    if (rows * cols !== values.length) {
      throw bad(`${role} ${name} has ${values.length} values, its shape ${shapeText(shape)} needs ${rows * cols}`)
    }
    tensors.push({ name, role, rows, cols, offset })
    data.push(values)
    offset += 8 * values.length
  }

  const shapeNames = Object.keys(c.parameterShapes)
  const paramNames = Object.keys(c.parameters)
  for (const name of shapeNames) if (!(name in c.parameters)) throw bad(`parameterShapes lists ${name}, parameters has no values for it`)
  for (const name of paramNames) {
    const shape = Object.hasOwn(c.parameterShapes, name) ? c.parameterShapes[name] : undefined
    if (shape === undefined) throw bad(`parameter ${name} has no entry in parameterShapes`)
    add(name, "parameter", shape, c.parameters[name]!)
  }
  if (c.optimizer !== null) {
    const o = c.optimizer
    if (!Number.isSafeInteger(o.step) || o.step < 0) throw bad(`optimizer step must be a non-negative integer, got ${o.step}`)
    if (!Number.isFinite(o.learningRate)) throw bad(`optimizer learning rate must be finite, got ${o.learningRate}`)
    for (const [name, values] of Object.entries(o.buffers)) add(name, "optimizer", bufferShape(name, values.length, o.shapes), values)
  }
  for (const [name, values] of Object.entries(c.model.state)) {
    add(name, "state", [1, values.length], Float64Array.from(values))
  }

  const header = {
    model: { kind: c.model.kind, shape: c.model.shape },
    level: c.level,
    epoch: c.epoch,
    config: c.config ?? null,
    rng: c.rng ?? null,
    metrics: c.metrics,
    optimizer: c.optimizer === null ? null : {
      kind: c.optimizer.kind,
      step: c.optimizer.step,
      learningRate: c.optimizer.learningRate,
      shapes: c.optimizer.shapes.map(([r, k]) => [r, k])
    },
    payloadBytes: offset,
    tensors
  }
  const json = encoder.encode(JSON.stringify(header))
  const headerBytes = json.length + ((8 - ((PREFIX_BYTES + json.length) % 8)) % 8)
  const payloadAt = PREFIX_BYTES + headerBytes
  const total = payloadAt + offset + CHECKSUM_BYTES
  if (headerBytes > 0xffffffff) throw bad(`header of ${headerBytes} bytes is too large`)

  const out = new Uint8Array(total)
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i)
  putU32(out, 8, FORMAT_VERSION)
  putU32(out, 12, headerBytes)
  out.set(json, PREFIX_BYTES)
  out.fill(0x20, PREFIX_BYTES + json.length, payloadAt)
  tensors.forEach((t, i) => putFloats(out, payloadAt + t.offset, data[i]!))
  putU32(out, total - CHECKSUM_BYTES, crc32(out.subarray(0, total - CHECKSUM_BYTES)))
  return out
}
