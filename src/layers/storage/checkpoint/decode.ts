/**
 * Decoding and checking checkpoint bytes (../checkpoint.ts): magic, version, checksum,
 * header, then the shapes the caller expects; each failure one line.
 */
import { Either, ParseResult } from "effect"
import type { Checkpoint, CheckpointErrorReason, ExpectedModel } from "../../../services/Storage.js"
import { crc32 } from "../crc32.js"
import type { Header, Role, TensorEntry } from "./format.js"
import { CHECKSUM_BYTES, CheckpointError, decodeHeader, FORMAT_VERSION, getFloats, MAGIC, PREFIX_BYTES, shapeText, u32 } from "./format.js"

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
