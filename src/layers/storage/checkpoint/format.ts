/**
 * The parts of the checkpoint format (../checkpoint.ts) that encoding and decoding
 * share: the constants, the header's schema, float64 and u32 bytes, and the error.
 */
import { Data, Schema } from "effect"
import type { CheckpointErrorReason } from "../../../services/Storage.js"

export const MAGIC = "GRPHCKPT"
export const FORMAT_VERSION = 1
/** Magic, version and header length. */
export const PREFIX_BYTES = 16
export const CHECKSUM_BYTES = 4

/** Why bytes are not a loadable checkpoint; `message` is one line without the path. */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly reason: CheckpointErrorReason
  readonly message: string
}> {}
// ─── the header ──────────────────────────────────────────────────────────────────────

const Count = Schema.Int.pipe(Schema.nonNegative())
export const Role = Schema.Literal("parameter", "optimizer", "state")
export type Role = typeof Role.Type

export const TensorEntry = Schema.Struct({ name: Schema.String, role: Role, rows: Count, cols: Count, offset: Count })
export type TensorEntry = typeof TensorEntry.Type

export const Header = Schema.Struct({
  model: Schema.Struct({ kind: Schema.String, shape: Schema.Record({ key: Schema.String, value: Schema.Number }) }),
  level: Count,
  epoch: Count,
  config: Schema.Unknown,
  rng: Schema.Unknown,
  metrics: Schema.Unknown,
  optimizer: Schema.NullOr(Schema.Struct({
    kind: Schema.Literal("sgd", "adam", "adamw"),
    step: Count,
    learningRate: Schema.Number,
    shapes: Schema.Array(Schema.Tuple(Count, Count))
  })),
  payloadBytes: Count,
  tensors: Schema.Array(TensorEntry)
})
export type Header = typeof Header.Type

export const decodeHeader = Schema.decodeUnknownEither(Header, { errors: "first", onExcessProperty: "ignore" })

// ─── bytes ───────────────────────────────────────────────────────────────────────────

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f

/** Copies a float64 array's bytes (little-endian) to `out` at `at`. */
export const putFloats = (out: Uint8Array, at: number, values: Float64Array): void => {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at)
  } else {
    const view = new DataView(out.buffer, out.byteOffset)
    for (let i = 0; i < values.length; i++) view.setFloat64(at + 8 * i, values[i]!, true)
  }
}

/** `count` float64 (little-endian) from `bytes` at `at`, as a fresh array. */
export const getFloats = (bytes: Uint8Array, at: number, count: number): Float64Array => {
  const out = new Float64Array(count)
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + 8 * count))
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true)
  }
  return out
}

export const u32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0

export const putU32 = (bytes: Uint8Array, at: number, value: number): void => {
  bytes[at] = value & 0xff
  bytes[at + 1] = (value >>> 8) & 0xff
  bytes[at + 2] = (value >>> 16) & 0xff
  bytes[at + 3] = (value >>> 24) & 0xff
}

export const shapeText = (s: readonly [number, number]): string => `[${s[0]}, ${s[1]}]`
