/**
 * Messages between the generator's main thread and its workers (structured-cloned
 * plain data; parallel arrays keep the clone cheap).
 */
import type { IssueKind } from "../../services/Generator.js"

/** Candidates per chunk. Part of the data's definition: changing it changes the dataset. */
export const CHUNK_SIZE = 256

/**
 * The RNG stream of a chunk: level · 2^20 + chunk, so that any thread can draw any
 * chunk (`Rng.seeded(seed, chunkStream(level, chunk))`). Levels ≤ 4095, chunks < 2^20.
 */
export const chunkStream = (level: number, chunk: number): number => level * 0x100000 + chunk

export const MAX_CHUNKS = 0x100000

export interface ChunkRequest {
  readonly _tag: "Chunk"
  /** URL of the module exporting the level (for a worker); unused in the main thread. */
  readonly module: string | undefined
  /** A built-in level: a worker takes its own copy (a bundled worker cannot import the .ts source). */
  readonly builtin: boolean
  readonly level: number
  readonly seed: number
  readonly chunk: number
  /** One char per bucket, "1" = skip (not this shard's, or already full): no answer, no verification. */
  readonly skip: string
  /**
   * Inputs already written in this run (`run`), new since the last request sent to a worker:
   * the worker adds them to its replica and does not answer candidates it knows.
   */
  readonly known: ReadonlyArray<string>
  /** Identifies the level's run, so that a worker never mixes two runs' known inputs. */
  readonly run: string
}

/** The rejection text of a candidate skipped because its input was already written. */
export const KNOWN = "duplicate"

export interface ChunkResult {
  readonly chunk: number
  /** Candidate offsets within the chunk (skipped candidates are absent). */
  readonly offsets: ReadonlyArray<number>
  readonly buckets: ReadonlyArray<number>
  readonly polish: ReadonlyArray<string>
  /**
   * The JSONL lines in UTF-8, each with its "\n": candidate i's line is
   * bytes[ends[i - 1] ?? 0, ends[i]), empty when it was rejected. (Bytes, not strings:
   * the main thread copies accepted ranges to the files without decoding; the buffer is
   * transferred, not cloned.)
   */
  readonly bytes: Uint8Array
  readonly ends: ReadonlyArray<number>
  /** "" when accepted, else "category\tmessage". */
  readonly rejections: ReadonlyArray<string>
}

export interface ValidateRequest {
  readonly _tag: "Validate"
  /** The built-in levels of the curriculum (a worker has its own copies). */
  readonly builtins: ReadonlyArray<number>
  /** Module URLs of the other levels of the curriculum. */
  readonly modules: ReadonlyArray<string>
  readonly lines: ReadonlyArray<string>
}

export interface ValidateResult {
  /** Level of each line (0 when it could not be read). */
  readonly levels: ReadonlyArray<number>
  /** Canonical input Polish of each line ("" when it could not be read). */
  readonly polish: ReadonlyArray<string>
  /** "" when the line is fine, else its first problem's kind. */
  readonly kinds: ReadonlyArray<IssueKind | "">
  /** The field to blame ("" when none), and the message. */
  readonly fields: ReadonlyArray<string>
  readonly messages: ReadonlyArray<string>
  /** Lines whose level no plugin knows (checked generically). */
  readonly unknownLevel: ReadonlyArray<boolean>
}

export type WorkerRequest = ChunkRequest | ValidateRequest
export type WorkerResponse = ChunkResult | ValidateResult

/** A failure inside a worker, as plain data. */
export interface WorkerFailure {
  readonly _tag: "WorkerFailure"
  readonly message: string
}
