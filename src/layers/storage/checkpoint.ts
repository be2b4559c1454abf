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
import type { BrainModel } from "../../services/Brain.js"
import type { OptimizerInstance } from "../../services/Optimizer.js"
import type { Checkpoint, ExpectedModel } from "../../services/Storage.js"

export { decodeCheckpoint } from "./checkpoint/decode.js"
export { encodeCheckpoint } from "./checkpoint/encode.js"
export { CHECKSUM_BYTES, CheckpointError, FORMAT_VERSION, MAGIC, PREFIX_BYTES } from "./checkpoint/format.js"

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
