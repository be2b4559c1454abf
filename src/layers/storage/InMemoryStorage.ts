/**
 * Storage in memory: a map of normalized path → file contents. Directories exist
 * implicitly (a path is a directory when some file lies under it). Same semantics and
 * messages as FileStorage (both are `makeStorage` over a backend):
 *
 * - a whole-file write replaces the entry in one synchronous step (atomic: a reader sees
 *   the old bytes or the new), and the bytes are copied in; reads copy out;
 * - an append adds a part without copying the earlier ones (a long log stays cheap),
 *   and a stream that is already reading keeps the snapshot it started with;
 * - datasets are streamed in the same 64 KiB pieces as from disk.
 *
 * For tests and research scripts; nothing survives the layer.
 */
import { Effect, Layer, Ref, Stream } from "effect"
import * as nodePath from "node:path"
import { Storage, StorageError, type StorageApi } from "../../services/Storage.js"
import { READ_CHUNK_BYTES } from "./lines.js"
import { type Backend, makeStorage } from "./make.js"

/** A file: the concatenation of its parts (parts are never mutated). */
interface Entry {
  readonly parts: ReadonlyArray<Uint8Array>
  readonly size: number
}

const normalize = (path: string): string => {
  const n = nodePath.normalize(path)
  return n.length > 1 && n.endsWith(nodePath.sep) ? n.slice(0, -1) : n
}

/** Every proper ancestor directory of a normalized path: a/b/c → [a, a/b]. */
const ancestors = (path: string): Array<string> => {
  const out: Array<string> = []
  let dir = nodePath.dirname(path)
  while (dir !== "." && dir !== nodePath.sep && !out.includes(dir)) {
    out.push(dir)
    dir = nodePath.dirname(dir)
  }
  return out
}

const concat = (entry: Entry): Uint8Array => {
  const out = new Uint8Array(entry.size)
  let at = 0
  for (const part of entry.parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

export const makeBackend = (files: Ref.Ref<ReadonlyMap<string, Entry>>): Backend => {
  const kindOf = (map: ReadonlyMap<string, Entry>, path: string): "File" | "Directory" | undefined => {
    const p = normalize(path)
    if (map.has(p)) return "File"
    const prefix = p === "." ? "" : p === nodePath.sep ? p : p + nodePath.sep
    for (const key of map.keys()) {
      if (key.startsWith(prefix) && (prefix !== "" || !nodePath.isAbsolute(key))) return "Directory"
    }
    return undefined
  }

  /** The error a file system would give for writing at `path`, if any. */
  const writeProblem = (map: ReadonlyMap<string, Entry>, path: string, action: string): StorageError | undefined => {
    const p = normalize(path)
    if (kindOf(map, p) === "Directory") {
      return new StorageError({ reason: "Io", path, message: `${path}: cannot ${action}: EISDIR: illegal operation on a directory` })
    }
    const blocking = ancestors(p).find((dir) => map.has(dir))
    return blocking === undefined ? undefined
      : new StorageError({ reason: "Io", path, message: `${path}: cannot ${action}: ENOTDIR: not a directory (${blocking} is a file)` })
  }

  const entryOf = (path: string) =>
    Effect.flatMap(Ref.get(files), (map) => {
      const entry = map.get(normalize(path))
      return entry === undefined
        ? Effect.fail(new StorageError({ reason: "NotFound", path, message: `${path}: no such file or directory` }))
        : Effect.succeed(entry)
    })

  return {
    stat: (path) => Effect.map(Ref.get(files), (map) => kindOf(map, path)),

    readFile: (path) => Effect.map(entryOf(path), concat),

    stream: (path) =>
      Stream.unwrap(Effect.map(entryOf(path), (entry) => {
        function* pieces(): Generator<Uint8Array> {
          for (const part of entry.parts) {
            for (let at = 0; at < part.length; at += READ_CHUNK_BYTES) yield part.subarray(at, at + READ_CHUNK_BYTES)
          }
        }
        return Stream.fromIteratorSucceed(pieces(), 1)
      })),

    list: (dir) =>
      Effect.map(Ref.get(files), (map) => {
        const d = normalize(dir)
        const prefix = d === "." ? "" : d === nodePath.sep ? d : d + nodePath.sep
        const names = new Set<string>()
        for (const key of map.keys()) {
          if (!key.startsWith(prefix) || (prefix === "" && nodePath.isAbsolute(key))) continue
          names.add(key.slice(prefix.length).split(nodePath.sep)[0]!)
        }
        return [...names].sort()
      }),

    writeAtomic: (path, bytes) =>
      Ref.modify(files, (map) => {
        const problem = writeProblem(map, path, "write")
        if (problem !== undefined) return [problem, map] as const
        const next = new Map(map)
        next.set(normalize(path), { parts: [bytes.slice()], size: bytes.length })
        return [undefined, next] as const
      }).pipe(Effect.flatMap((problem) => (problem === undefined ? Effect.void : Effect.fail(problem)))),

    append: (path, bytes) =>
      Ref.modify(files, (map) => {
        const problem = writeProblem(map, path, "append to")
        if (problem !== undefined) return [problem, map] as const
        const p = normalize(path)
        const old = map.get(p) ?? { parts: [], size: 0 }
        const next = new Map(map)
        next.set(p, { parts: [...old.parts, bytes.slice()], size: old.size + bytes.length })
        return [undefined, next] as const
      }).pipe(Effect.flatMap((problem) => (problem === undefined ? Effect.void : Effect.fail(problem))))
  }
}

/** Initial files: path → contents (text is written as UTF-8). */
export type Files = Readonly<Record<string, string | Uint8Array>>

const encoder = new TextEncoder()

/** A Storage in memory, starting with `initial`. */
export const make = (initial: Files = {}): Effect.Effect<StorageApi> =>
  Effect.map(
    Ref.make<ReadonlyMap<string, Entry>>(new Map(Object.entries(initial).map(([path, data]) => {
      const bytes = typeof data === "string" ? encoder.encode(data) : data.slice()
      return [normalize(path), { parts: [bytes], size: bytes.length }]
    }))),
    (ref) => Storage.of(makeStorage(makeBackend(ref)))
  )

/** InMemoryStorage, empty; each build of the layer is a fresh store. */
export const layer: Layer.Layer<Storage> = Layer.effect(Storage, make())

/** InMemoryStorage with initial files. */
export const layerWith = (initial: Files): Layer.Layer<Storage> => Layer.effect(Storage, make(initial))
