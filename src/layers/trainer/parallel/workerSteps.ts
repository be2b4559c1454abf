/**
 * Data-parallel steps on worker threads: the main thread and `threads − 1` workers,
 * each holding a copy of the brain made by the trainer's Brain layer, compute the shards of every batch (shard
 * s on thread s mod threads) and the main thread sums them in shard order — the same
 * sum as `shardedSteps` on one thread, so the weights do not depend on the thread count.
 */
import { Data, Duration, Effect } from "effect"
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads"
import type { BrainExample, BrainLayerSource, BrainModel } from "../../../services/Brain.js"
import { entryBeside, workerSpawner } from "../../workers/spawn.js"
import { BATCH_SIZE, CONTROL_SLOTS, DONE, FAILED, GENERATION, POSTED, SPINS, STOP, waitWhile, type FromWorker, type ToWorker, type WorkerSetup } from "./protocol.js"
import { ExampleTable } from "../table.js"
import { combineShards, layoutOf, shardInto, shardPositions, writeParameters, type ShardGradient } from "./shards.js"
import type { StepRunner } from "./StepRunner.js"

export class ParallelTrainingError extends Data.TaggedError("ParallelTrainingError")<{ readonly message: string }> {}

const STARTUP_TIMEOUT = Duration.seconds(60)
/** A step that takes longer than this on a worker means the worker is gone. */
const STEP_TIMEOUT_MS = 300_000

const entryUrl = entryBeside(import.meta.url, "worker")

const started = (worker: Worker) =>
  Effect.async<void, ParallelTrainingError>((resume) => {
    const onMessage = (m: FromWorker) => {
      cleanup()
      resume(m._tag === "Ready" ? Effect.void : Effect.fail(new ParallelTrainingError({ message: `a training worker failed to start: ${m.message}` })))
    }
    const onError = (e: Error) => {
      cleanup()
      resume(Effect.fail(new ParallelTrainingError({ message: `a training worker failed to start: ${e.message}` })))
    }
    const onExit = (code: number) => {
      cleanup()
      resume(Effect.fail(new ParallelTrainingError({ message: `a training worker exited (code ${code}) while starting` })))
    }
    const cleanup = () => {
      worker.off("message", onMessage)
      worker.off("error", onError)
      worker.off("exit", onExit)
    }
    worker.on("message", onMessage)
    worker.on("error", onError)
    worker.on("exit", onExit)
    return Effect.sync(cleanup)
  })

/**
 * Steps of `model` shared with `threads − 1` workers, each making its copy with the Brain
 * layer at `source` (undefined: the layer does not say where workers can load it, and
 * this fails).
 */
export const workerSteps = (
  model: BrainModel,
  source: BrainLayerSource | undefined,
  options: { readonly threads: number; readonly shards: number; readonly maxBatch: number; readonly seed: number }
) =>
  Effect.gen(function* () {
    const { threads, shards, maxBatch } = options
    if (source === undefined)
      return yield* new ParallelTrainingError({ message: `the Brain layer of "${model.kind}" does not say where worker threads can load it (its source)` })
    const layout = layoutOf(model.module.parameters())
    const count = layout.parameters.length
    const setup: Omit<WorkerSetup, "index"> = {
      brain: { source, kind: model.kind, seed: options.seed, shape: model.shape },
      threads,
      shards,
      maxBatch,
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
      parameters: new SharedArrayBuffer((1 + layout.total) * 8),
      indices: new SharedArrayBuffer(maxBatch * 4),
      gradients: new SharedArrayBuffer(shards * layout.total * 8),
      reached: new SharedArrayBuffer(shards * count),
      losses: new SharedArrayBuffer(shards * 8)
    }
    const control = new Int32Array(setup.control)
    const shared = new Float64Array(setup.parameters)
    const values = shared.subarray(1)
    const indexView = new Int32Array(setup.indices)
    const gradients = new Float64Array(setup.gradients)
    const reached = new Uint8Array(setup.reached)
    const losses = new Float64Array(setup.losses)

    // Unbundled: the worker imports the brain's module, whose Layer must come from the worker's own copy of effect.
    const spawn = yield* Effect.promise(() => workerSpawner(entryUrl, { bundle: false }))
    const ports: Array<MessagePort> = []
    const stopAll = (workers: ReadonlyArray<Worker>) =>
      Effect.promise(async () => {
        Atomics.store(control, STOP, 1)
        Atomics.add(control, GENERATION, 1)
        Atomics.notify(control, GENERATION)
        await Promise.all(workers.map((w) => w.terminate()))
      })
    const workers = yield* Effect.acquireRelease(
      Effect.sync(() =>
        Array.from({ length: threads - 1 }, (_, k) => {
          const channel = new MessageChannel()
          ports.push(channel.port1)
          return spawn({ workerData: { setup: { ...setup, index: k + 1 }, port: channel.port2 }, transferList: [channel.port2] })
        })
      ),
      stopAll
    )
    yield* Effect.forEach(workers, started, { concurrency: "unbounded", discard: true }).pipe(
      Effect.timeoutFail({
        duration: STARTUP_TIMEOUT,
        onTimeout: () => new ParallelTrainingError({ message: `the ${workers.length} training worker(s) did not start within ${Duration.format(STARTUP_TIMEOUT)}` })
      })
    )

    const post = (message: ToWorker) => {
      ports.forEach((p) => p.postMessage(message))
      Atomics.add(control, POSTED, 1)
    }
    let sentState = ""
    const syncState = () => {
      const state = model.state()
      const text = JSON.stringify(state)
      if (text !== sentState) {
        post({ _tag: "State", state })
        sentState = text
      }
    }
    const failure = (): string => {
      for (const p of ports)
        for (let m = receiveMessageOnPort(p); m !== undefined; m = receiveMessageOnPort(p)) {
          const message = m.message as FromWorker
          if (message._tag === "Failed") return message.message
        }
      return "a training worker failed"
    }
    const waitForWorkers = () => {
      const deadline = Date.now() + STEP_TIMEOUT_MS
      for (;;) {
        const done = Atomics.load(control, DONE)
        if (done >= workers.length) return
        waitWhile(control, DONE, done, SPINS, 1000)
        if (Date.now() > deadline) throw new ParallelTrainingError({ message: `a training worker did not finish a step within ${STEP_TIMEOUT_MS / 1000} s` })
      }
    }

    return {
      threads,
      shards,
      setExamples: (examples) => post({ _tag: "Examples", examples: ExampleTable.of(examples).packed() }),
      step: (indices, batch, progress) => {
        if (batch.length > maxBatch) throw new RangeError(`a batch of ${batch.length} is larger than the workers' ${maxBatch}`)
        syncState()
        writeParameters(layout, values)
        shared[0] = progress.fraction
        for (let i = 0; i < indices.length; i++) indexView[i] = indices[i] as number
        Atomics.store(control, BATCH_SIZE, batch.length)
        Atomics.store(control, DONE, 0)
        Atomics.add(control, GENERATION, 1)
        Atomics.notify(control, GENERATION)
        for (let s = 0; s < shards; s += threads) {
          const shard = shardPositions(batch.length, shards, s).map((i) => batch[i] as BrainExample)
          shardInto(model, layout, shard, progress, { gradients, reached, losses }, s)
        }
        waitForWorkers()
        if (Atomics.load(control, FAILED) === 1) throw new ParallelTrainingError({ message: failure() })
        const results: Array<ShardGradient> = []
        const sizes: Array<number> = []
        for (let s = 0; s < shards; s++) {
          results.push({
            loss: losses[s] as number,
            gradient: gradients.subarray(s * layout.total, (s + 1) * layout.total),
            reached: reached.subarray(s * count, (s + 1) * count)
          })
          sizes.push(shardPositions(batch.length, shards, s).length)
        }
        return combineShards(layout, results, sizes, batch.length)
      }
    } satisfies StepRunner
  })
