/**
 * One level's examples, in candidate order, as a stream of batches (one per chunk).
 *
 * Chunks are drawn in order by the executor (several in flight, results kept in
 * order), then the main thread, in chunk order:
 * - ignores candidates in buckets it does not own (another shard's) or that are full;
 * - drops inputs already written (exact Set of input_polish: a duplicate whatever its
 *   answer), counts rejections, and accepts the rest into their bucket until the
 *   bucket's quota is met;
 * - stops when every owned bucket is full.
 * A chunk request names the buckets already full when it starts, and the thread knows
 * (a subset of) the inputs already written: it skips answering and verifying those
 * candidates, which the main thread ignores or drops anyway, so the output does not
 * depend on timing.
 */
import { Effect, Stream } from "effect"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import type { Shard, Split } from "../../services/Generator.js"
import { GeneratorError } from "../../services/Generator.js"
import type { ChunkExecutorApi, KnownInputs } from "./pool.js"
import { CHUNK_SIZE, KNOWN, MAX_CHUNKS } from "./protocol.js"
import type { ChunkResult } from "./protocol.js"
import { BUCKETS, bucketQuotas, ownsBucket, splitOfBucket } from "./split.js"

export interface Batch {
  /** The chunk's result: accepted lines are byte ranges of `result.bytes`. */
  readonly result: ChunkResult
  /** Indices (into the result's arrays) of the accepted candidates, in order. */
  readonly accepted: ReadonlyArray<number>
  readonly splits: ReadonlyArray<Split>
  readonly done: boolean
}

let runCounter = 0

export class LevelState {
  readonly quotas: Int32Array
  readonly owned: Uint8Array
  readonly fill = new Int32Array(BUCKETS)
  readonly seen = new Set<string>()
  /** `seen` in acceptance order, and a run id: what workers are told (see KnownInputs). */
  readonly known: KnownInputs
  readonly run = `${process.pid}.${Date.now()}.${++runCounter}`
  readonly target: number
  readonly splits: Record<Split, number> = { train: 0, val: 0, test: 0 }
  readonly rejections: Record<string, number> = {}
  readonly rejectionExamples: Record<string, string> = {}
  private readonly acceptedList: Array<string> = []
  written = 0
  rejected = 0
  duplicates = 0
  candidates = 0
  open = 0
  readonly maxCandidates: number

  constructor(readonly level: CurriculumLevel, samples: number, readonly shard: Shard) {
    this.quotas = bucketQuotas(samples)
    this.owned = new Uint8Array(BUCKETS)
    let target = 0
    for (let b = 0; b < BUCKETS; b++) {
      if (ownsBucket(shard, b) && (this.quotas[b] as number) > 0) {
        this.owned[b] = 1
        target += this.quotas[b] as number
        this.open++
      }
    }
    this.target = target
    this.known = { set: this.seen, list: this.acceptedList }
    this.maxCandidates = Math.min(level.maxCandidates ?? 20 * samples + 100_000, MAX_CHUNKS * CHUNK_SIZE)
  }

  get done(): boolean {
    return this.open === 0
  }

  /** "1" for every bucket a worker may skip: not ours, or full. */
  skipMask(): string {
    let s = ""
    for (let b = 0; b < BUCKETS; b++) s += this.owned[b] === 1 && (this.fill[b] as number) < (this.quotas[b] as number) ? "0" : "1"
    return s
  }

  accept(r: ChunkResult): Batch {
    const accepted: Array<number> = []
    const splitsOf: Array<Split> = []
    for (let i = 0; i < r.offsets.length && this.open > 0; i++) {
      const b = r.buckets[i] as number
      if (this.owned[b] !== 1 || (this.fill[b] as number) >= (this.quotas[b] as number)) continue
      this.candidates = r.chunk * CHUNK_SIZE + (r.offsets[i] as number) + 1
      const polish = r.polish[i] as string
      const rejection = r.rejections[i] as string
      // A repeated input is a duplicate whatever its answer (so a thread may skip answering it).
      if (this.seen.has(polish)) {
        this.duplicates++
        continue
      }
      if (rejection === KNOWN) throw new Error(`bug: ${polish} was skipped as known but is not`)
      if (rejection !== "") {
        this.rejected++
        const tab = rejection.indexOf("\t")
        const category = tab < 0 ? rejection : rejection.slice(0, tab)
        this.rejections[category] = (this.rejections[category] ?? 0) + 1
        if (this.rejectionExamples[category] === undefined)
          this.rejectionExamples[category] = `${r.polish[i]}: ${tab < 0 ? "" : rejection.slice(tab + 1)}`
        continue
      }
      this.seen.add(polish)
      this.acceptedList.push(polish)
      const split = splitOfBucket(b)
      accepted.push(i)
      splitsOf.push(split)
      this.splits[split]++
      this.written++
      const filled = (this.fill[b] as number) + 1
      this.fill[b] = filled
      if (filled === this.quotas[b]) this.open--
    }
    if (this.open > 0) this.candidates = (r.chunk + 1) * CHUNK_SIZE
    return { result: r, accepted, splits: splitsOf, done: this.open === 0 }
  }
}

const exhausted: ChunkResult = { chunk: -1, offsets: [], buckets: [], polish: [], bytes: new Uint8Array(0), ends: [], rejections: [] }

/** The level's batches; `state` is updated as they flow. Several chunks in flight (`inflight`). */
export const levelBatches = (
  executor: ChunkExecutorApi,
  state: LevelState,
  seed: number,
  inflight: number
): Stream.Stream<Batch, GeneratorError> => {
  if (state.done) return Stream.empty
  const level = state.level
  return Stream.iterate(0, (c) => c + 1).pipe(
    Stream.mapEffect(
      (chunk) =>
        Effect.suspend(() => {
          // Past the budget: an empty marker, turned into an error in order (earlier chunks may still finish the level).
          if (chunk * CHUNK_SIZE >= state.maxCandidates) return Effect.succeed(exhausted)
          return executor
            .chunk(
              level,
              { _tag: "Chunk", module: level.module, builtin: false, level: level.level, seed, chunk, skip: state.skipMask(), known: [], run: state.run },
              state.known
            )
            .pipe(
              Effect.mapError(
                (e) => new GeneratorError({ reason: "Worker", message: `level ${level.level}: ${e.message}`, cause: e })
              )
            )
        }),
      { concurrency: inflight }
    ),
    Stream.mapEffect((r) =>
      r !== exhausted
        ? Effect.succeed(state.accept(r))
        : Effect.fail(
            new GeneratorError({
              reason: "Exhausted",
              message:
                `level ${level.level}: only ${state.written} of ${state.target} distinct verified inputs after ` +
                `${state.maxCandidates} candidates (${state.duplicates} duplicates, ${state.rejected} rejected); ` +
                `its input space is too small for that many samples`
            })
          )
    ),
    Stream.takeUntil((b) => b.done)
  )
}
