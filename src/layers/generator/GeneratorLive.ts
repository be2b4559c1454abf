/**
 * The Generator's implementation: levels from the Curriculum, chunks on a
 * ChunkExecutor (main thread or worker pool), files through @effect/platform's
 * FileSystem.
 *
 * Files are written to `*.jsonl.tmp` and renamed when the level is complete, so a
 * crashed run never leaves a half file under the final name. Memory per level: the
 * Set of accepted input_polish strings (≈ 100k strings for the largest built-in level,
 * ~15 MB) plus the chunks in flight (4 per thread × 256 lines); lines go to disk as
 * each chunk is accepted, with back-pressure (the next chunk is not accepted before
 * the previous one is written).
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer, Stream } from "effect"
import * as nodeFs from "node:fs"
import * as path from "node:path"
import { splits } from "../../domain/Example.js"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import { Curriculum } from "../../services/Curriculum.js"
import type { GenerateOptions, GenerateSummary, GeneratorApi, LevelSummary, Split } from "../../services/Generator.js"
import { DEFAULT_SEED, Generator, GeneratorError } from "../../services/Generator.js"
import type { Batch } from "./levelStream.js"
import { lineAt } from "./chunk.js"
import { LevelState, levelBatches } from "./levelStream.js"
import type { ChunkExecutorApi } from "./pool.js"
import { ChunkExecutor, workerPool } from "./pool.js"
import { levelFileName, wholeRun } from "./split.js"
import { validateDataset } from "./validateData.js"

const ioError = (what: string) => (cause: unknown) =>
  new GeneratorError({ reason: "Io", message: `${what}: ${(cause as { message?: string }).message ?? String(cause)}`, cause })

const pluginError = (e: { readonly message: string }) => new GeneratorError({ reason: "Plugin", message: e.message, cause: e })

/**
 * Chunks in flight per thread. Results are consumed in order, so a slow chunk holds its
 * slot until it is done: 4 per thread keep the workers busy behind it.
 */
const INFLIGHT_PER_THREAD = 4

/**
 * Writes to an open file. On Node's file system a synchronous write on the descriptor
 * (≈ 1 MB per call, so it does not hold the event loop long) costs a quarter of the CPU
 * of the asynchronous one, which matters beside busy workers; elsewhere, `File.writeAll`.
 */
const writeAll = (file: FileSystem.File, bytes: Uint8Array, name: string): Effect.Effect<void, GeneratorError> => {
  const fd = file.fd as unknown
  if (typeof fd === "number")
    return Effect.try({
      try: () => {
        let done = 0
        while (done < bytes.length) done += nodeFs.writeSync(fd, bytes, done)
      },
      catch: ioError(`cannot write ${name}`)
    })
  return file.writeAll(bytes).pipe(Effect.mapError(ioError(`cannot write ${name}`)))
}

/** The accepted lines of a batch, per split, as one byte array each (copied ranges, no decoding). */
const splitBytes = (batch: Batch): Record<Split, Uint8Array> => {
  const r = batch.result
  const size: Record<Split, number> = { train: 0, val: 0, test: 0 }
  const range = (i: number): readonly [number, number] => [i === 0 ? 0 : (r.ends[i - 1] as number), r.ends[i] as number]
  batch.accepted.forEach((i, k) => {
    const [a, b] = range(i)
    size[batch.splits[k] as Split] += b - a
  })
  const out: Record<Split, Uint8Array> = { train: new Uint8Array(size.train), val: new Uint8Array(size.val), test: new Uint8Array(size.test) }
  const pos: Record<Split, number> = { train: 0, val: 0, test: 0 }
  batch.accepted.forEach((i, k) => {
    const split = batch.splits[k] as Split
    const [a, b] = range(i)
    out[split].set(r.bytes.subarray(a, b), pos[split])
    pos[split] += b - a
  })
  return out
}

export const make = Effect.gen(function* () {
  const curriculum = yield* Curriculum
  const executor: ChunkExecutorApi = yield* ChunkExecutor
  const fs = yield* FileSystem.FileSystem
  const inflight = executor.threads === 1 ? 1 : executor.threads * INFLIGHT_PER_THREAD

  const selectLevels = (levels: GenerateOptions["levels"]) =>
    levels === "all"
      ? Effect.succeed(curriculum.levels)
      : Effect.forEach(levels, (n) => curriculum.get(n)).pipe(Effect.mapError(pluginError))

  const writeLevel = (
    level: CurriculumLevel,
    samples: number,
    options: GenerateOptions,
    done: { written: number; target: number },
    started: number
  ): Effect.Effect<LevelSummary, GeneratorError> =>
    Effect.gen(function* () {
      const shard = options.shard ?? wholeRun
      const seed = options.seed ?? DEFAULT_SEED
      const t0 = Date.now()
      const state = new LevelState(level, samples, shard)
      const finals = {} as Record<Split, string>
      const temps = {} as Record<Split, string>
      for (const split of splits) {
        const dir = path.join(options.output, split)
        yield* fs.makeDirectory(dir, { recursive: true }).pipe(Effect.mapError(ioError(`cannot create ${dir}`)))
        finals[split] = path.join(dir, levelFileName(level.level, shard))
        temps[split] = `${finals[split]}.tmp`
      }
      yield* Effect.scoped(
        Effect.gen(function* () {
          const files = {} as Record<Split, FileSystem.File>
          for (const split of splits)
            files[split] = yield* fs.open(temps[split], { flag: "w" }).pipe(Effect.mapError(ioError(`cannot write ${temps[split]}`)))
          const write = (batch: Batch) =>
            Effect.gen(function* () {
              const bytes = splitBytes(batch)
              for (const split of splits)
                if (bytes[split].length > 0) yield* writeAll(files[split], bytes[split], temps[split])
              options.onProgress?.({
                level: level.level,
                levelWritten: state.written,
                levelTarget: state.target,
                written: done.written + state.written,
                target: done.target,
                elapsedMs: Date.now() - started
              })
            })
          yield* levelBatches(executor, state, seed, inflight).pipe(Stream.runForEach(write))
        })
      ).pipe(
        Effect.tapError(() => Effect.forEach(splits, (s) => fs.remove(temps[s]).pipe(Effect.ignore), { discard: true }))
      )
      for (const split of splits)
        yield* fs.rename(temps[split], finals[split]).pipe(Effect.mapError(ioError(`cannot rename ${temps[split]}`)))
      done.written += state.written
      return {
        level: level.level,
        name: level.name,
        target: state.target,
        written: state.written,
        splits: { ...state.splits },
        candidates: state.candidates,
        rejected: state.rejected,
        rejections: { ...state.rejections },
        rejectionExamples: { ...state.rejectionExamples },
        duplicates: state.duplicates,
        seconds: (Date.now() - t0) / 1000,
        files: splits.map((s) => finals[s])
      } satisfies LevelSummary
    })

  const generate = (options: GenerateOptions): Effect.Effect<GenerateSummary, GeneratorError> =>
    Effect.gen(function* () {
      if (options.samples !== undefined && (!Number.isInteger(options.samples) || options.samples < 1))
        return yield* new GeneratorError({ reason: "Input", message: `--samples must be a positive integer, got ${options.samples}` })
      const levels = yield* selectLevels(options.levels)
      const shard = options.shard ?? wholeRun
      const started = Date.now()
      const plan = levels.map((l) => ({ level: l, samples: options.samples ?? l.samples }))
      const done = {
        written: 0,
        target: plan.reduce((s, p) => s + new LevelState(p.level, p.samples, shard).target, 0)
      }
      const summaries: Array<LevelSummary> = []
      for (const p of plan) summaries.push(yield* writeLevel(p.level, p.samples, options, done, started))
      return {
        seed: options.seed ?? DEFAULT_SEED,
        shard,
        threads: executor.threads,
        output: options.output,
        levels: summaries,
        seconds: (Date.now() - started) / 1000
      }
    })

  const examples: GeneratorApi["examples"] = (n, options = {}) =>
    Stream.unwrap(
      Effect.map(curriculum.get(n).pipe(Effect.mapError(pluginError)), (level) => {
        const state = new LevelState(level, options.samples ?? level.samples, options.shard ?? wholeRun)
        return levelBatches(executor, state, options.seed ?? DEFAULT_SEED, inflight).pipe(
          Stream.mapConcat((b) =>
            b.accepted.map((i, k) => ({ split: b.splits[k] as Split, line: lineAt(b.result, i), inputPolish: b.result.polish[i] as string }))
          )
        )
      })
    )

  return Generator.of({
    generate,
    examples,
    validate: (options) => validateDataset(fs, executor, curriculum.levels, inflight, options)
  })
})

/** Needs a Curriculum, a ChunkExecutor and a FileSystem. */
export const GeneratorLive: Layer.Layer<Generator, never, Curriculum | ChunkExecutor | FileSystem.FileSystem> =
  Layer.effect(Generator, make)

/** The Generator on a pool of `threads` workers (0 = every core, 1 = the main thread). */
export const layer = (threads: number): Layer.Layer<Generator, GeneratorError, Curriculum | FileSystem.FileSystem> =>
  GeneratorLive.pipe(
    Layer.provide(workerPool(threads)),
    Layer.mapError((e) => new GeneratorError({ reason: "Worker", message: e.message, cause: e }))
  )
