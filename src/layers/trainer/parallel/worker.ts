/**
 * Worker-thread entry of data-parallel training: a copy of the trainer's brain, made by
 * the same Brain layer (loaded from the module the trainer names), that computes its
 * share of each step's shards (see ./protocol.ts). The loop blocks in Atomics.wait
 * between steps; it never runs the event loop, so messages are read synchronously from
 * its port.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads"
import { Brain, type BrainModel } from "../../../services/Brain.js"
import { ExampleTable, examplesAt } from "../table.js"
import { BATCH_SIZE, CONTROL_SLOTS, DONE, FAILED, GENERATION, POSTED, SPINS, STOP, waitWhile, type FromWorker, type ToWorker, type WorkerSetup } from "./protocol.js"
import { layoutOf, readParameters, shardInto, shardPositions } from "./shards.js"

const setup = (workerData as { setup: WorkerSetup }).setup
const port = (workerData as { port: MessagePort }).port
/** Start-up news go to the parent's 'message' event; a step's failure to the port read after each step. */
const announce = (message: FromWorker) => parentPort?.postMessage(message)
const send = (message: FromWorker) => port.postMessage(message)

/** The brain the trainer's Brain layer makes with the trainer's seed and shape. */
const makeBrain = async (): Promise<BrainModel> => {
  const { source, seed, shape } = setup.brain
  const exports = (await import(/* @vite-ignore */ source.module)) as Record<string, unknown>
  const layer = exports[source.export]
  if (!Layer.isLayer(layer)) throw new Error(`${source.module} exports no layer named "${source.export}"`)
  const brain = await Effect.runPromise(Effect.provide(Brain, layer as Layer.Layer<Brain>))
  return Effect.runPromise(brain.make({ seed, shape }))
}

const run = (model: BrainModel) => {
  if (model.kind !== setup.brain.kind) throw new Error(`the worker's brain is "${model.kind}", the trainer's "${setup.brain.kind}"`)
  const layout = layoutOf(model.module.parameters())
  const control = new Int32Array(setup.control, 0, CONTROL_SLOTS)
  const shared = new Float64Array(setup.parameters)
  const values = shared.subarray(1, 1 + layout.total)
  const indices = new Int32Array(setup.indices)
  const gradients = new Float64Array(setup.gradients)
  const reached = new Uint8Array(setup.reached)
  const losses = new Float64Array(setup.losses)
  let examples = ExampleTable.empty()
  let seen = Atomics.load(control, GENERATION)
  let received = 0
  announce({ _tag: "Ready" })
  for (;;) {
    waitWhile(control, GENERATION, seen, SPINS, Infinity)
    seen = Atomics.load(control, GENERATION)
    try {
      // Every message posted before this step, in order (posting returns once the message is queued).
      while (received < Atomics.load(control, POSTED)) {
        const m = receiveMessageOnPort(port)
        if (m === undefined) continue
        received++
        const message = m.message as ToWorker
        if (message._tag === "Examples") examples = ExampleTable.fromPacked(message.examples)
        else Effect.runSync(model.loadState(message.state))
      }
      if (Atomics.load(control, STOP) === 1) return
      readParameters(layout, values)
      const progress = { fraction: shared[0] as number }
      const size = Atomics.load(control, BATCH_SIZE)
      for (let s = setup.index; s < setup.shards; s += setup.threads) {
        // Examples are parsed from their packed form when a shard reads them.
        const shard = examplesAt(examples, shardPositions(size, setup.shards, s).map((i) => indices[i] as number))
        shardInto(model, layout, shard, progress, { gradients, reached, losses }, s)
      }
    } catch (e) {
      Atomics.store(control, FAILED, 1)
      send({ _tag: "Failed", message: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) })
    }
    Atomics.add(control, DONE, 1)
    Atomics.notify(control, DONE)
  }
}

makeBrain().then(run).catch((e: unknown) => announce({ _tag: "Failed", message: e instanceof Error ? e.message : String(e) }))
