/**
 * Storage (SPEC §5, §8): datasets, checkpoints, the training log and `metrics.jsonl`.
 * Layers: FileStorage (the disk, through @effect/platform FileSystem) and
 * InMemoryStorage (a map of path → bytes, for tests and research scripts). Both are
 * built on one implementation (src/layers/storage/make.ts) over a small backend, so
 * they behave alike down to the error messages; one contract suite runs against both.
 *
 * The service needs no other service (R = never) and fails with one error type,
 * StorageError, whose message is one line that starts with the path.
 *
 * Datasets are streamed: a file is read 64 KiB at a time and lines flow out as the
 * consumer pulls them, so memory stays bounded whatever the file's size.
 */
import { Context, Data, type Effect, type Stream } from "effect"
import type { Example, Split } from "../domain/Example.js"
import type { Shape } from "../tensor/Tensor.js"
import type { BrainState } from "./Brain.js"
import type { OptimizerState } from "./Optimizer.js"

/** Everything a checkpoint holds. Parameters are in the model's order (`Module.stateDict()`). */
export interface Checkpoint {
  readonly model: {
    readonly kind: string
    /** The architecture's shape (`BrainModel.shape`). */
    readonly shape: Readonly<Record<string, number>>
    /** Non-parameter state (`BrainModel.state()`), stored as float64 vectors. */
    readonly state: BrainState
  }
  /** name → values (`Module.stateDict()`). */
  readonly parameters: Readonly<Record<string, Float64Array>>
  /** name → [rows, cols] (`Module.parameterShapes()`); the same names as `parameters`. */
  readonly parameterShapes: Readonly<Record<string, Shape>>
  /** `OptimizerInstance.state()`, or null for a model saved without one (e.g. final.bin). */
  readonly optimizer: OptimizerState | null
  /** Curriculum level and epoch (non-negative integers). */
  readonly level: number
  readonly epoch: number
  /** The resolved training configuration, as JSON (opaque here). */
  readonly config: unknown
  /** RNG state(s), as JSON (opaque here), e.g. `{ shuffle: RngState }`. */
  readonly rng: unknown
  /** Metrics so far, as JSON (opaque here). */
  readonly metrics: Readonly<Record<string, unknown>>
}

/** What the model about to load a checkpoint looks like; see `expectedOf` in layers/storage/checkpoint.ts. */
export interface ExpectedModel {
  readonly kind: string
  readonly shape: Readonly<Record<string, number>>
  readonly parameterShapes: Readonly<Record<string, Shape>>
}

export type CheckpointErrorReason =
  | "Magic" // not a checkpoint
  | "Version" // a format version this build does not read
  | "Truncated" // shorter than its header describes
  | "Checksum" // the bytes are not the bytes that were written
  | "Header" // the (intact) header does not describe a valid checkpoint
  | "Shape" // a valid checkpoint of another model: kind, shape or a parameter differs

export type StorageErrorReason =
  | "NotFound" // no such file or directory (or no dataset file that fits the options)
  | "Io" // the operating system refused (permissions, disk full, a directory where a file was expected, …)
  | "BadLine" // a dataset or metrics line that does not decode: `file:line: field …: message`
  | "Encode" // a value that cannot be written (a checkpoint whose names or sizes disagree, a BigInt in a record)
  | CheckpointErrorReason // Magic | Version | Truncated | Checksum | Header | Shape

export class StorageError extends Data.TaggedError("StorageError")<{
  readonly reason: StorageErrorReason
  /** The file (or directory) concerned. */
  readonly path: string
  /** One line for the user; starts with the path. */
  readonly message: string
  /** For BadLine: the 1-based line number. */
  readonly line?: number | undefined
  readonly cause?: unknown
}> {}

export { type Split, splits } from "../domain/Example.js"

/** A dataset file found by `listDatasets`: `<dir>/<split>/level_<level>.jsonl`. */
export interface DatasetFile {
  readonly path: string
  readonly split: Split
  readonly level: number
}

/** One decoded dataset line and where it came from. */
export interface DatasetLine {
  readonly path: string
  /** 1-based line number in the file. */
  readonly line: number
  readonly example: Example
}

export interface DatasetOptions {
  /**
   * Only examples of this level: under a directory, only the `level_N.jsonl` files;
   * in any file, only lines whose `level` field is N.
   */
  readonly level?: number | undefined
  /** Under a directory, only the files of this split (ignored for a single file). */
  readonly split?: Split | undefined
}

export interface StorageApi {
  /**
   * The examples of a dataset file, or of the `{train,val,test}/level_N.jsonl` files
   * under a directory (train, val, test; levels ascending), in file order. Blank lines
   * are skipped; a malformed line fails the stream with reason BadLine and the message
   * `file:line: field …: message`. Lines are read as they are pulled (back-pressure).
   */
  readonly readDataset: (path: string, options?: DatasetOptions) => Stream.Stream<DatasetLine, StorageError>
  /** `readDataset` collected into an array: for small sets only. */
  readonly readAll: (path: string, options?: DatasetOptions) => Effect.Effect<ReadonlyArray<DatasetLine>, StorageError>
  /** The dataset files under `dir` (`<dir>/{train,val,test}/level_N.jsonl`), train → val → test, levels ascending. */
  readonly listDatasets: (dir: string) => Effect.Effect<ReadonlyArray<DatasetFile>, StorageError>

  /** Encodes (SPEC §5 format) and writes atomically: a temp file beside `path`, then a rename. Creates the directory. */
  readonly writeCheckpoint: (path: string, checkpoint: Checkpoint) => Effect.Effect<void, StorageError>
  /**
   * Reads and checks a checkpoint: magic, version, checksum, header, and with `expected`
   * the model's kind, shape and parameter shapes. Fails with the CheckpointError reason
   * (Magic, Version, Truncated, Checksum, Header, Shape) and `path: what is wrong`.
   */
  readonly readCheckpoint: (path: string, expected?: ExpectedModel) => Effect.Effect<Checkpoint, StorageError>

  /** Appends one line (a newline is added) to a log file; creates the file and its directory. */
  readonly appendLog: (path: string, line: string) => Effect.Effect<void, StorageError>
  /** Appends one JSON object as a line (JSON Lines) to a metrics file; creates the file and its directory. */
  readonly appendMetrics: (path: string, record: Readonly<Record<string, unknown>>) => Effect.Effect<void, StorageError>
  /** The records of a metrics file, in order; a line that is not a JSON object fails with BadLine. */
  readonly readMetrics: (path: string) => Stream.Stream<Readonly<Record<string, unknown>>, StorageError>
  /** The lines of a text file (a log), without their line ends, streamed. */
  readonly readLines: (path: string) => Stream.Stream<string, StorageError>

  /** Whole-file bytes, for small files. */
  readonly readFile: (path: string) => Effect.Effect<Uint8Array, StorageError>
  /** Writes a whole file atomically (temp + rename); creates the directory. */
  readonly writeFile: (path: string, data: Uint8Array | string) => Effect.Effect<void, StorageError>
  /** Whether a file or directory exists at `path`. */
  readonly exists: (path: string) => Effect.Effect<boolean, StorageError>
}

export class Storage extends Context.Tag("grapheme/Storage")<Storage, StorageApi>() {}
