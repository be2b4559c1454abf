/**
 * The checkpoint file format (SPEC §5), version 1. Pure: bytes in, bytes out; the
 * Storage layers add the file, the atomic write and the path in the messages.
 *
 * ```
 * offset        size  field
 * 0             8     magic "GRPHCKPT" (ASCII)
 * 8             4     format version, u32 little-endian (= 1)
 * 12            4     header length H, u32 little-endian; 16 + H is a multiple of 8
 * 16            H     header: UTF-8 JSON, padded with spaces (0x20) to the length H
 * 16 + H        P     payload: float64 little-endian, the tensors of the header's table
 * 16 + H + P    4     CRC-32 (IEEE, as zip/PNG) of bytes [0, 16 + H + P), u32 little-endian
 * ```
 *
 * The header holds the model (kind, shape), level, epoch, config, RNG state, metrics,
 * the optimizer's scalars, `payloadBytes` (= P) and the tensor table: name, role
 * (`parameter` | `optimizer` | `state`), rows, cols and byte offset within the payload
 * of every parameter, optimizer buffer and brain-state vector. Every float64 is stored
 * as its 8 bytes, so a round trip is bit-identical (NaN payloads and −0 included).
 * docs/storage.md has the byte-by-byte description and an example header.
 *
 * Decoding checks, in this order: magic, version, checksum (a mismatch on a file
 * shorter than its header describes is reported as truncation), header, then the
 * shapes the caller expects. Each failure is one line that says what is wrong. The
 * header is read with JSON.parse only: nothing in a file is ever evaluated or imported.
 */
import { Data, Either, ParseResult, Schema } from "effect"
import type { BrainModel } from "../../services/Brain.js"
import type { OptimizerInstance } from "../../services/Optimizer.js"
import type { Checkpoint, CheckpointErrorReason, ExpectedModel } from "../../services/Storage.js"
import { crc32 } from "./crc32.js"

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

// ─── helpers for callers ─────────────────────────────────────────────────────────────

/** A checkpoint of a model (and its optimizer) as they are now; arrays are copies. */
export const checkpointOf = (args: {
  readonly model: BrainModel
  readonly optimizer?: OptimizerInstance | null | undefined
  readonly level: number
  readonly epoch: number
  readonly config: unknown
  readonly rng: unknown
  readonly metrics: Readonly<Record<string, unknown>>
}): Checkpoint => ({
  model: { kind: args.model.kind, shape: args.model.shape, state: args.model.state() },
  parameters: args.model.module.stateDict(),
  parameterShapes: args.model.module.parameterShapes(),
  optimizer: args.optimizer ? args.optimizer.state() : null,
  level: args.level,
  epoch: args.epoch,
  config: args.config,
  rng: args.rng,
  metrics: args.metrics
})

/** What `decodeCheckpoint` should check a file against before `model` loads it. */
export const expectedOf = (model: BrainModel): ExpectedModel => ({
  kind: model.kind,
  shape: model.shape,
  parameterShapes: model.module.parameterShapes()
})

// ─── the header ──────────────────────────────────────────────────────────────────────

const Count = Schema.Int.pipe(Schema.nonNegative())
const Role = Schema.Literal("parameter", "optimizer", "state")
type Role = typeof Role.Type

const TensorEntry = Schema.Struct({ name: Schema.String, role: Role, rows: Count, cols: Count, offset: Count })
type TensorEntry = typeof TensorEntry.Type

const Header = Schema.Struct({
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
type Header = typeof Header.Type

const decodeHeader = Schema.decodeUnknownEither(Header, { errors: "first", onExcessProperty: "ignore" })

// ─── bytes ───────────────────────────────────────────────────────────────────────────

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f
const encoder = new TextEncoder()

/** Copies a float64 array's bytes (little-endian) to `out` at `at`. */
const putFloats = (out: Uint8Array, at: number, values: Float64Array): void => {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at)
  } else {
    const view = new DataView(out.buffer, out.byteOffset)
    for (let i = 0; i < values.length; i++) view.setFloat64(at + 8 * i, values[i]!, true)
  }
}

/** `count` float64 (little-endian) from `bytes` at `at`, as a fresh array. */
const getFloats = (bytes: Uint8Array, at: number, count: number): Float64Array => {
  const out = new Float64Array(count)
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + 8 * count))
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true)
  }
  return out
}

const u32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0

const putU32 = (bytes: Uint8Array, at: number, value: number): void => {
  bytes[at] = value & 0xff
  bytes[at + 1] = (value >>> 8) & 0xff
  bytes[at + 2] = (value >>> 16) & 0xff
  bytes[at + 3] = (value >>> 24) & 0xff
}

const shapeText = (s: readonly [number, number]): string => `[${s[0]}, ${s[1]}]`

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

// ─── decode ──────────────────────────────────────────────────────────────────────────

const fail = (reason: CheckpointErrorReason, message: string) => Either.left(new CheckpointError({ reason, message }))

const printable = (bytes: Uint8Array): string =>
  JSON.stringify(Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join(""))

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("")

/** Parses and validates the header, without shape expectations. */
const readHeader = (bytes: Uint8Array, headerBytes: number): Either.Either<Header, CheckpointError> => {
  let text: string
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes))
  } catch {
    return fail("Header", "the header is not valid UTF-8")
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return fail("Header", `the header is not valid JSON (${(e as Error).message})`)
  }
  const decoded = decodeHeader(json)
  if (Either.isLeft(decoded)) {
    const first = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
    const where = first === undefined || first.path.length === 0 ? "the header" : `header field ${pathText(first.path)}`
    return fail("Header", `${where}: ${first?.message ?? "does not match the checkpoint header"}`)
  }
  const metrics = decoded.right.metrics
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) {
    return fail("Header", "header field metrics: expected a JSON object")
  }
  return Either.right(decoded.right)
}

/** The first way the file's model differs from the expected one. */
const shapeProblem = (h: Header, expected: ExpectedModel): string | undefined => {
  if (h.model.kind !== expected.kind) {
    return `the checkpoint is for a model of kind "${h.model.kind}", the model is "${expected.kind}"`
  }
  const keys = [...new Set([...Object.keys(expected.shape), ...Object.keys(h.model.shape)])]
  for (const key of keys) {
    const inFile = Object.hasOwn(h.model.shape, key) ? h.model.shape[key] : undefined
    const wanted = Object.hasOwn(expected.shape, key) ? expected.shape[key] : undefined
    if (inFile !== wanted) {
      return `model shape ${key} is ${inFile ?? "absent"} in the file, the model expects ${wanted ?? "no such key"}`
    }
  }
  const inFile = new Map(h.tensors.filter((t) => t.role === "parameter").map((t) => [t.name, t]))
  for (const [name, shape] of Object.entries(expected.parameterShapes)) {
    const t = inFile.get(name)
    if (t === undefined) return `parameter ${name} is missing from the file`
    if (t.rows !== shape[0] || t.cols !== shape[1]) {
      return `parameter ${name} has shape ${shapeText([t.rows, t.cols])} in the file, the model expects ${shapeText(shape)}`
    }
  }
  for (const name of inFile.keys()) {
    if (!Object.hasOwn(expected.parameterShapes, name)) return `parameter ${name} is in the file but not in the model`
  }
  return undefined
}

/**
 * Reads checkpoint bytes. With `expected`, also checks that the file is for that model:
 * kind, shape and every parameter's name and [rows, cols]. (An optimizer state is
 * checked against the optimizer by `OptimizerInstance.loadState`.)
 */
export const decodeCheckpoint = (
  bytes: Uint8Array,
  expected?: ExpectedModel
): Either.Either<Checkpoint, CheckpointError> => {
  const size = bytes.length
  // magic
  const head = bytes.subarray(0, Math.min(size, MAGIC.length))
  const magicOk = Array.from(head).every((b, i) => b === MAGIC.charCodeAt(i))
  if (!magicOk) return fail("Magic", `not a GRAPHEME checkpoint (starts with ${printable(head)}, expected "${MAGIC}")`)
  if (size < PREFIX_BYTES + CHECKSUM_BYTES) {
    return fail("Truncated", `file is truncated (${size} bytes, a checkpoint has at least ${PREFIX_BYTES + CHECKSUM_BYTES})`)
  }
  // version
  const version = u32(bytes, 8)
  if (version !== FORMAT_VERSION) {
    return fail("Version", `checkpoint format version ${version}, this build reads version ${FORMAT_VERSION}` +
      (version > FORMAT_VERSION ? " (written by a newer GRAPHEME, or corrupt)" : " (corrupt)"))
  }
  // checksum
  const headerBytes = u32(bytes, 12)
  const stored = u32(bytes, size - CHECKSUM_BYTES)
  if (crc32(bytes.subarray(0, size - CHECKSUM_BYTES)) !== stored) {
    // A file cut short is worth saying so: the (intact) header says how long it should be.
    if (PREFIX_BYTES + headerBytes > size - CHECKSUM_BYTES) {
      return fail("Truncated", `file is truncated or corrupt (${size} bytes, the header alone needs ${PREFIX_BYTES + headerBytes + CHECKSUM_BYTES})`)
    }
    const header = readHeader(bytes, headerBytes)
    if (Either.isRight(header)) {
      const declared = PREFIX_BYTES + headerBytes + header.right.payloadBytes + CHECKSUM_BYTES
      if (declared > size) return fail("Truncated", `file is truncated (${size} bytes, the header describes ${declared})`)
    }
    return fail("Checksum", "checksum mismatch (file is corrupt or truncated)")
  }
  // header
  if ((PREFIX_BYTES + headerBytes) % 8 !== 0) {
    return fail("Header", `header length ${headerBytes} does not align the payload to 8 bytes`)
  }
  if (PREFIX_BYTES + headerBytes > size - CHECKSUM_BYTES) {
    return fail("Header", `header length ${headerBytes} runs past the end of the file (${size} bytes)`)
  }
  const parsed = readHeader(bytes, headerBytes)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const h = parsed.right
  const payloadAt = PREFIX_BYTES + headerBytes
  const declared = payloadAt + h.payloadBytes + CHECKSUM_BYTES
  if (declared !== size) return fail("Header", `the header describes ${declared} bytes, the file has ${size}`)
  const seen = new Set<string>()
  for (const t of h.tensors) {
    const key = `${t.role} ${t.name}`
    if (seen.has(key)) return fail("Header", `the tensor table lists ${key} twice`)
    seen.add(key)
    const end = t.offset + 8 * t.rows * t.cols
    if (t.offset % 8 !== 0 || end > h.payloadBytes) {
      return fail("Header", `${key} at byte ${t.offset} (${t.rows}×${t.cols} float64) lies outside the ${h.payloadBytes}-byte payload`)
    }
  }
  if (h.optimizer === null && h.tensors.some((t) => t.role === "optimizer")) {
    return fail("Header", "the tensor table has optimizer buffers but the header has no optimizer")
  }
  // shapes
  if (expected !== undefined) {
    const problem = shapeProblem(h, expected)
    if (problem !== undefined) return fail("Shape", problem)
  }

  const of = (role: Role) => h.tensors.filter((t) => t.role === role)
  const read = (t: TensorEntry) => getFloats(bytes, payloadAt + t.offset, t.rows * t.cols)
  const params = of("parameter")
  return Either.right({
    model: {
      kind: h.model.kind,
      shape: Object.fromEntries(Object.entries(h.model.shape)),
      state: Object.fromEntries(of("state").map((t) => [t.name, Array.from(read(t))]))
    },
    parameters: Object.fromEntries(params.map((t) => [t.name, read(t)])),
    parameterShapes: Object.fromEntries(params.map((t) => [t.name, [t.rows, t.cols] as const])),
    optimizer: h.optimizer === null ? null : {
      kind: h.optimizer.kind,
      step: h.optimizer.step,
      learningRate: h.optimizer.learningRate,
      shapes: h.optimizer.shapes.map(([r, c]) => [r, c] as const),
      buffers: Object.fromEntries(of("optimizer").map((t) => [t.name, read(t)]))
    },
    level: h.level,
    epoch: h.epoch,
    config: h.config,
    rng: h.rng,
    metrics: h.metrics as Readonly<Record<string, unknown>>
  })
}
