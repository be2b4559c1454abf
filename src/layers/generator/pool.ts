/**
 * Where chunks run: the `ChunkExecutor` service, with two layers —
 * - `inProcess`: the main thread (--threads 1);
 * - `workerPool(n)`: n compute threads, the main thread and n − 1 workers
 *   (@effect/platform Worker pool on NodeWorker), a scoped layer that starts the
 *   workers, checks they answer within a timeout (a worker that fails to load would
 *   otherwise be retried forever), and stops them with the scope.
 * A level without a `module` URL cannot be imported by a worker: its chunks run in
 * the main thread whatever the pool (same bytes either way).
 */
import * as Worker from "@effect/platform/Worker"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import { Context, Data, Duration, Effect, Layer } from "effect"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import { builtinRegistry } from "../../plugins/registry.js"
import { entryBeside, resolveThreads, workerSpawner } from "../workers/spawn.js"
import type { ChunkRequest, ChunkResult, ValidateResult, WorkerFailure, WorkerRequest, WorkerResponse } from "./protocol.js"
import { runChunk, runValidate } from "./work.js"

export class ExecutorError extends Data.TaggedError("ExecutorError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** The inputs written so far in a level's run: a set, and the same in order (append-only). */
export interface KnownInputs {
  readonly set: ReadonlySet<string>
  readonly list: ReadonlyArray<string>
}

export interface ChunkExecutorApi {
  /** Threads doing the work (1 for the main thread). */
  readonly threads: number
  /** `request.known` is filled in here: what workers have not been sent yet of `known`. */
  readonly chunk: (level: CurriculumLevel, request: ChunkRequest, known: KnownInputs) => Effect.Effect<ChunkResult, ExecutorError>
  /** Checks lines; `levels` must all have a `module` when the executor is a pool. */
  readonly validate: (levels: ReadonlyArray<CurriculumLevel>, lines: ReadonlyArray<string>) => Effect.Effect<ValidateResult, ExecutorError>
}

export class ChunkExecutor extends Context.Tag("grapheme/generator/ChunkExecutor")<ChunkExecutor, ChunkExecutorApi>() {}

const failed = (what: string) => (cause: unknown) =>
  new ExecutorError({ message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

const localChunk = (level: CurriculumLevel, request: ChunkRequest, known: KnownInputs) =>
  Effect.try({ try: () => runChunk(level, request, known.set), catch: failed(`level ${level.level} chunk ${request.chunk}`) })

const localValidate = (levels: ReadonlyArray<CurriculumLevel>, lines: ReadonlyArray<string>) => {
  const byNumber = new Map(levels.map((l) => [l.level, l]))
  return Effect.try({ try: () => runValidate((n) => byNumber.get(n), lines), catch: failed("validation") })
}

export const inProcess: Layer.Layer<ChunkExecutor> = Layer.succeed(
  ChunkExecutor,
  ChunkExecutor.of({ threads: 1, chunk: localChunk, validate: localValidate })
)

const entryUrl = entryBeside(import.meta.url, "worker")

const isBuiltin = (level: CurriculumLevel): boolean => builtinRegistry.get(level.level) === level

const STARTUP_TIMEOUT = Duration.seconds(30)

const describeWorkerError = (e: unknown): string =>
  typeof e === "object" && e !== null && (e as WorkerFailure)._tag === "WorkerFailure"
    ? (e as WorkerFailure).message
    : typeof e === "object" && e !== null && "message" in e
      ? String((e as { message: unknown }).message)
      : String(e)

/**
 * Requests delivered to each worker ahead of time (the pool's per-worker concurrency):
 * a worker's queue lives in the worker, so it never waits for the main thread, which
 * may be busy computing a chunk of its own when the worker finishes one.
 */
const QUEUE_PER_WORKER = 3

/** Runs `f` in its own macrotask, so that worker messages are handled between two local chunks. */
const soon = <A>(f: () => A, what: string): Effect.Effect<A, ExecutorError> =>
  Effect.async<A, ExecutorError>((resume) => {
    const handle = setImmediate(() => {
      try {
        resume(Effect.succeed(f()))
      } catch (e) {
        resume(Effect.fail(failed(what)(e)))
      }
    })
    return Effect.sync(() => clearImmediate(handle))
  })

/**
 * `threads` compute threads (0 = every core): the main thread and `threads − 1` workers.
 * A request goes to a worker while the workers have fewer than 3 queued each, else to
 * the main thread when it is not already computing one (between two of its own chunks
 * it handles the workers' results and writes the files), else it waits for the first
 * free slot. On 2 cores that is one worker: less start-up, less messaging, and the main
 * thread's spare time is used. 1 thread means no workers.
 */
export const workerPool = (threads: number): Layer.Layer<ChunkExecutor, ExecutorError> => {
  const n = resolveThreads(threads)
  if (n === 1) return inProcess
  const workers = n - 1
  return Layer.scoped(
    ChunkExecutor,
    Effect.gen(function* () {
      const spawn = yield* Effect.promise(() => workerSpawner(entryUrl))
      const pool = yield* Worker.makePool<WorkerRequest, WorkerResponse, WorkerFailure>({ size: workers, concurrency: QUEUE_PER_WORKER }).pipe(
        Effect.provide(NodeWorker.layer(() => spawn())),
        Effect.mapError(failed("cannot start the worker pool"))
      )
      const exec = <A extends WorkerResponse>(request: WorkerRequest, what: string) =>
        pool.executeEffect(request).pipe(
          Effect.map((r) => r as A),
          Effect.mapError((e) => new ExecutorError({ message: `${what}: ${describeWorkerError(e)}`, cause: e }))
        )
      // Every worker must answer a trivial request before the timeout.
      yield* Effect.forEach(
        Array.from({ length: workers }, (_, i) => i),
        () => exec<ValidateResult>({ _tag: "Validate", builtins: [], modules: [], lines: [] }, "worker start-up"),
        { concurrency: "unbounded", discard: true }
      ).pipe(
        Effect.timeoutFail({
          duration: STARTUP_TIMEOUT,
          onTimeout: () => new ExecutorError({ message: `the ${workers} generator worker(s) did not start within ${Duration.format(STARTUP_TIMEOUT)}` })
        })
      )
      // Slots: `capacity` requests queued on the workers, and one chunk at a time in the main
      // thread. A request takes a worker slot when there is one, else the main thread's when
      // it is free, else waits (first come, first served) for whichever frees first.
      const capacity = workers * QUEUE_PER_WORKER
      let queued = 0
      let localBusy = false
      const waiting: Array<(slot: "worker" | "local") => void> = []
      const take = (): "worker" | "local" | undefined => {
        if (queued < capacity) {
          queued++
          return "worker"
        }
        if (!localBusy) {
          localBusy = true
          return "local"
        }
        return undefined
      }
      const acquire = Effect.async<"worker" | "local">((resume) => {
        const slot = take()
        if (slot !== undefined) return resume(Effect.succeed(slot))
        const waiter = (s: "worker" | "local") => resume(Effect.succeed(s))
        waiting.push(waiter)
        return Effect.sync(() => {
          const i = waiting.indexOf(waiter)
          if (i >= 0) waiting.splice(i, 1)
        })
      })
      const release = (slot: "worker" | "local") =>
        Effect.sync(() => {
          if (slot === "worker") queued--
          else localBusy = false
          while (waiting.length > 0) {
            const next = take()
            if (next === undefined) break
            ;(waiting.shift() as (s: "worker" | "local") => void)(next)
          }
        })
      // How much of each run's known inputs the workers have been sent (piggybacked on requests).
      const sent = new WeakMap<KnownInputs, number>()
      const delta = (known: KnownInputs): ReadonlyArray<string> => {
        const from = sent.get(known) ?? 0
        sent.set(known, known.list.length)
        return from === known.list.length ? [] : known.list.slice(from)
      }
      /** On a worker when one has room, else here when the main thread is free, else as soon as either is. */
      const balance = <A>(remote: () => Effect.Effect<A, ExecutorError>, local: () => A, what: string): Effect.Effect<A, ExecutorError> =>
        Effect.acquireUseRelease(acquire, (slot) => (slot === "worker" ? remote() : soon(local, what)), release)
      return ChunkExecutor.of({
        threads: n,
        chunk: (level, request, known) => {
          const what = `level ${level.level} chunk ${request.chunk}`
          const local = () => runChunk(level, request, known.set)
          if (level.module === undefined && !isBuiltin(level)) return soon(local, what)
          const remote = () =>
            exec<ChunkResult>(
              { ...request, builtin: isBuiltin(level), module: level.module, known: delta(known) },
              what
            )
          return balance(remote, local, what)
        },
        validate: (levels, lines) => {
          const builtins = levels.filter(isBuiltin)
          const others = levels.filter((l) => !isBuiltin(l))
          const byNumber = new Map(levels.map((l) => [l.level, l]))
          const local = () => runValidate((k) => byNumber.get(k), lines)
          if (others.some((l) => l.module === undefined)) return soon(local, "validation")
          return balance(
            () => exec<ValidateResult>(
              {
                _tag: "Validate",
                builtins: builtins.map((l) => l.level),
                modules: [...new Set(others.map((l) => l.module as string))],
                lines
              },
              "validation"
            ),
            local,
            "validation"
          )
        }
      })
    })
  )
}
