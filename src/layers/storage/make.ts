/**
 * The Storage service over a small backend (files or memory). Everything a user sees
 * — what is read in what order, which checks run, every message that is not a raw
 * operating-system error — lives here, once, so the two layers cannot drift apart.
 */
import { Effect, Either, Stream } from "effect"
import * as nodePath from "node:path"
import { decodeLine, formatIssue } from "../../domain/Example.js"
import { parseJson } from "../../domain/Json.js"
import {
  type DatasetFile, type DatasetLine, type DatasetOptions, type Split, splits, StorageError, type StorageApi
} from "../../services/Storage.js"
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.js"
import { decodeBatches, lineBatches } from "./lines.js"

/** What a layer provides: plain file operations with StorageError already attached. */
export interface Backend {
  /** "File", "Directory", or undefined when nothing is there. */
  readonly stat: (path: string) => Effect.Effect<"File" | "Directory" | undefined, StorageError>
  readonly readFile: (path: string) => Effect.Effect<Uint8Array, StorageError>
  /** The file's bytes, READ_CHUNK_BYTES at a time, read as pulled. */
  readonly stream: (path: string) => Stream.Stream<Uint8Array, StorageError>
  /** Names of the entries directly in `dir`; [] when `dir` does not exist. */
  readonly list: (dir: string) => Effect.Effect<ReadonlyArray<string>, StorageError>
  /** Replaces the file in one step: readers see the old bytes or the new, never a part. */
  readonly writeAtomic: (path: string, bytes: Uint8Array) => Effect.Effect<void, StorageError>
  /** Appends to the file, creating it (and its directory). */
  readonly append: (path: string, bytes: Uint8Array) => Effect.Effect<void, StorageError>
}

const DATASET_FILE = /^level_(\d+)\.jsonl$/
const encoder = new TextEncoder()

const notFound = (path: string, what = "file or directory") =>
  new StorageError({ reason: "NotFound", path, message: `${path}: no such ${what}` })

const badLine = (path: string, line: number, message: string) =>
  new StorageError({ reason: "BadLine", path, line, message: `${path}:${line}: ${message}` })

const isBlank = (line: string): boolean => line.trim() === ""

export const makeStorage = (backend: Backend): StorageApi => {
  /** Fails unless `path` is a file. */
  const requireFile = (path: string) =>
    Effect.flatMap(backend.stat(path), (kind) =>
      kind === "File"
        ? Effect.void
        : kind === undefined
          ? Effect.fail(notFound(path, "file"))
          : Effect.fail(new StorageError({ reason: "Io", path, message: `${path}: is a directory, expected a file` })))

  const lines = (path: string) => lineBatches(path, backend.stream(path))

  const datasetFile = (path: string, level: number | undefined): Stream.Stream<DatasetLine, StorageError> =>
    decodeBatches(lines(path), (text, line) => {
      if (isBlank(text)) return Either.right(undefined)
      const decoded = decodeLine(text)
      if (Either.isLeft(decoded)) return Either.left(badLine(path, line, formatIssue(decoded.left)))
      const example = decoded.right
      return Either.right(level === undefined || example.level === level ? { path, line, example } : undefined)
    })

  const listDatasets = Effect.fn("Storage.listDatasets")(function* (dir: string) {
    const kind = yield* backend.stat(dir)
    if (kind === undefined) return yield* notFound(dir, "directory")
    if (kind === "File") return yield* new StorageError({ reason: "Io", path: dir, message: `${dir}: is a file, expected a directory` })
    const found: Array<DatasetFile> = []
    for (const split of splits) {
      const names = yield* backend.list(nodePath.join(dir, split))
      const files = names.flatMap((name) => {
        const m = DATASET_FILE.exec(name)
        return m === null ? [] : [{ path: nodePath.join(dir, split, name), split, level: Number(m[1]) }]
      })
      found.push(...files.sort((a, b) => a.level - b.level))
    }
    return found as ReadonlyArray<DatasetFile>
  })

  const describe = (level: number | undefined, split: Split | undefined): string =>
    `${split ?? "{train,val,test}"}/level_${level ?? "N"}.jsonl`

  const readDataset = (path: string, options: DatasetOptions = {}): Stream.Stream<DatasetLine, StorageError> =>
    Stream.unwrap(Effect.gen(function* () {
      const kind = yield* backend.stat(path)
      if (kind === undefined) return yield* notFound(path)
      if (kind === "File") return datasetFile(path, options.level)
      const files = (yield* listDatasets(path)).filter((f) =>
        (options.level === undefined || f.level === options.level) && (options.split === undefined || f.split === options.split))
      if (files.length === 0 && options.split === undefined) {
        // A flat directory of .jsonl files (a probe set, one file per group): each file, by name.
        const flat = (yield* backend.list(path)).filter((name) => name.endsWith(".jsonl")).sort()
        if (flat.length > 0) return Stream.flatMap(Stream.fromIterable(flat), (name) => datasetFile(nodePath.join(path, name), options.level))
      }
      if (files.length === 0) {
        const wanted = nodePath.join(path, describe(options.level, options.split))
        return yield* new StorageError({ reason: "NotFound", path, message: `${path}: no dataset file ${wanted}` })
      }
      return Stream.flatMap(Stream.fromIterable(files), (f) => datasetFile(f.path, options.level))
    }))

  const writeAtomic = (path: string, bytes: Uint8Array) => backend.writeAtomic(path, bytes)

  return {
    readDataset,
    readAll: (path, options) => Stream.runCollect(readDataset(path, options)).pipe(Effect.map((c) => Array.from(c))),
    listDatasets,

    writeCheckpoint: Effect.fn("Storage.writeCheckpoint")(function* (path, checkpoint) {
      const bytes = yield* Effect.try({
        try: () => encodeCheckpoint(checkpoint),
        catch: (cause) =>
          new StorageError({ reason: "Encode", path, message: `${path}: cannot encode the checkpoint: ${(cause as Error).message}`, cause })
      })
      yield* writeAtomic(path, bytes)
    }),

    readCheckpoint: Effect.fn("Storage.readCheckpoint")(function* (path, expected) {
      yield* requireFile(path)
      const bytes = yield* backend.readFile(path)
      const decoded = decodeCheckpoint(bytes, expected)
      if (Either.isLeft(decoded)) {
        const e = decoded.left
        return yield* new StorageError({ reason: e.reason, path, message: `${path}: ${e.message}`, cause: e })
      }
      return decoded.right
    }),

    appendLog: (path, line) => backend.append(path, encoder.encode(line.endsWith("\n") ? line : `${line}\n`)),

    appendMetrics: (path, record) =>
      Effect.try({
        try: () => JSON.stringify(record),
        catch: (cause) =>
          new StorageError({ reason: "Encode", path, message: `${path}: cannot write the record as JSON: ${(cause as Error).message}`, cause })
      }).pipe(Effect.flatMap((json) => backend.append(path, encoder.encode(`${json}\n`)))),

    readMetrics: (path) =>
      Stream.unwrap(Effect.as(requireFile(path), decodeBatches(lines(path), (text, line) => {
        if (isBlank(text)) return Either.right(undefined)
        let json: unknown
        try {
          json = parseJson(text)
        } catch (e) {
          return Either.left(badLine(path, line, `invalid JSON (${(e as Error).message})`))
        }
        return typeof json === "object" && json !== null && !Array.isArray(json)
          ? Either.right(json as Readonly<Record<string, unknown>>)
          : Either.left(badLine(path, line, "a metrics line must be a JSON object"))
      }))),

    readLines: (path) =>
      Stream.unwrap(Effect.as(requireFile(path), Stream.mapConcat(lines(path), (b) => b.lines))),

    readFile: (path) => Effect.zipRight(requireFile(path), backend.readFile(path)),

    writeFile: (path, data) => writeAtomic(path, typeof data === "string" ? encoder.encode(data) : data),

    exists: (path) => Effect.map(backend.stat(path), (kind) => kind !== undefined)
  }
}
