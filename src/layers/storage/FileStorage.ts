/**
 * Storage on the file system, through @effect/platform FileSystem.
 *
 * - Datasets and logs are streamed with `fs.stream` (64 KiB reads, at most 4 ahead of
 *   the consumer): a dataset file is never held in memory whole.
 * - Whole-file writes (checkpoints) are atomic: the bytes go to a temp file in the same
 *   directory (`.<name>.<pid>-<random>.tmp`), are flushed to disk (fsync), and the temp
 *   file is renamed over the target. A reader sees the old file or the new one, never a
 *   part; if the write fails or is interrupted, the temp file is removed. (A process
 *   killed between the two steps can leave a `.…tmp` file behind; the target is intact.)
 * - Appends (log, metrics) are one write with O_APPEND each.
 *
 * `layer` needs a FileSystem; `layerNode` includes Node's.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Effect, Exit, Layer, Stream } from "effect"
import * as nodePath from "node:path"
import { Storage, StorageError, type StorageApi } from "../../services/Storage.js"
import { READ_CHUNK_BYTES } from "./lines.js"
import { type Backend, makeStorage } from "./make.js"

/** A PlatformError as a StorageError: NotFound stays NotFound, the rest is Io with the OS's words. */
const fromPlatform = (path: string, action: string) => (e: PlatformError): StorageError => {
  if (e._tag === "SystemError" && e.reason === "NotFound") {
    return new StorageError({ reason: "NotFound", path, message: `${path}: no such file or directory`, cause: e })
  }
  // Node's text is "EACCES: permission denied, open '<path>'": keep the part before the path.
  const detail = e._tag === "SystemError" ? (e.description?.split(",")[0] ?? e.reason) : e.message
  return new StorageError({ reason: "Io", path, message: `${path}: cannot ${action}: ${detail}`, cause: e })
}

/** Chunks read ahead of the consumer: 4 × 64 KiB. */
const READ_AHEAD = 4

/** ENOENT, or ENOTDIR (a parent is a file): nothing is at the path. */
const isMissing = (e: PlatformError): boolean =>
  e._tag === "SystemError" &&
  (e.reason === "NotFound" || (e.cause as { readonly code?: unknown } | undefined)?.code === "ENOTDIR")

const tempName = (path: string): string =>
  nodePath.join(
    nodePath.dirname(path),
    `.${nodePath.basename(path)}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`
  )

export const makeBackend = (fs: FileSystem.FileSystem): Backend => {
  const ensureDirectory = (path: string) => {
    const dir = nodePath.dirname(path)
    return fs.makeDirectory(dir, { recursive: true }).pipe(Effect.mapError(fromPlatform(dir, "create the directory")))
  }

  return {
    stat: (path) =>
      fs.stat(path).pipe(
        Effect.map((info) => (info.type === "Directory" ? "Directory" as const : "File" as const)),
        Effect.catchIf(isMissing, () => Effect.succeed(undefined)),
        Effect.mapError(fromPlatform(path, "read"))
      ),

    readFile: (path) => fs.readFile(path).pipe(Effect.mapError(fromPlatform(path, "read"))),

    // At most READ_AHEAD chunks are read before they are pulled.
    stream: (path) =>
      fs.stream(path, { chunkSize: READ_CHUNK_BYTES, bufferSize: READ_AHEAD }).pipe(Stream.mapError(fromPlatform(path, "read"))),

    list: (dir) =>
      fs.readDirectory(dir).pipe(
        Effect.catchIf(isMissing, () => Effect.succeed([] as Array<string>)),
        Effect.mapError(fromPlatform(dir, "list"))
      ),

    writeAtomic: (path, bytes) =>
      Effect.gen(function* () {
        yield* ensureDirectory(path)
        const temp = tempName(path)
        const write = Effect.scoped(
          Effect.gen(function* () {
            const file = yield* fs.open(temp, { flag: "wx" })
            if (bytes.length > 0) yield* file.writeAll(bytes) // writeAll of nothing fails with WriteZero
            yield* file.sync
          })
        ).pipe(Effect.mapError(fromPlatform(path, "write")))
        const rename = fs.rename(temp, path).pipe(Effect.mapError(fromPlatform(path, "replace")))
        yield* Effect.zipRight(write, rename).pipe(
          Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.void : Effect.ignore(fs.remove(temp))))
        )
      }),

    append: (path, bytes) => {
      const append = fs.writeFile(path, bytes, { flag: "a" })
      return append.pipe(
        // The directory is created on the first append only.
        Effect.catchIf(
          (e) => e._tag === "SystemError" && e.reason === "NotFound",
          () => Effect.zipRight(ensureDirectory(path), append.pipe(Effect.mapError(fromPlatform(path, "append to"))))
        ),
        Effect.mapError((e) => (e instanceof StorageError ? e : fromPlatform(path, "append to")(e)))
      )
    }
  }
}

/** A Storage on the given file system. */
export const make: Effect.Effect<StorageApi, never, FileSystem.FileSystem> = Effect.map(
  FileSystem.FileSystem,
  (fs) => Storage.of(makeStorage(makeBackend(fs)))
)

/** FileStorage; provide a FileSystem (NodeFileSystem.layer, or a test double). */
export const layer: Layer.Layer<Storage, never, FileSystem.FileSystem> = Layer.effect(Storage, make)

/** FileStorage on Node's file system. */
export const layerNode: Layer.Layer<Storage> = Layer.provide(layer, NodeFileSystem.layer)
