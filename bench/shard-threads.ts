/**
 * Whether two threads computing training shards slow each other down, with nothing
 * else running (no main-thread step, no reduction): the hardware's and V8's share of the
 * gap between `--threads 2` and 2× `--threads 1` in bench/train.ts. Not part of `npm test`:
 *
 *   npx tsx bench/shard-threads.ts
 *   npx tsx bench/shard-threads.ts --smoke    12 shards, not 1500 (npm test runs it)
 *
 * Prints ms per shard (32 level-3 examples, after the warm-up) on this thread alone, then
 * on two worker threads at once.
 */
import { isMainThread, parentPort, Worker } from "node:worker_threads"
import { Rng } from "../src/domain/Random.js"
import { subtreeValues } from "../src/layers/brain/targets.js"
import { layoutOf, shardGradient } from "../src/layers/trainer/parallel/shards.js"
import { builtinLevels } from "../src/plugins/index.js"
import type { BrainExample } from "../src/services/Brain.js"
import { brain, drawLevel } from "../test/brain/support.js"

const SHARD = 32
// Workers inherit process.argv: --smoke reaches them too.
const SMOKE = process.argv.includes("--smoke")
const STEPS = SMOKE ? 12 : 1500
const UNTIMED = SMOKE ? 4 : 500

const msPerShard = (): number => {
  const examples: Array<BrainExample> = drawLevel(builtinLevels[2]!, SMOKE ? 200 : 3000, 2024).map((e) => ({ ...e, subtreeValues: subtreeValues(e.input.expr, e.input.bindings) }))
  const order = Rng.seeded(7, 1).shuffle(examples.map((_, i) => i))
  const model = brain(1)
  const layout = layoutOf(model.module.parameters())
  const gradient = new Float64Array(layout.total)
  const reached = new Uint8Array(layout.parameters.length)
  let started = 0
  for (let step = 0; step < STEPS; step++) {
    if (step === UNTIMED) started = performance.now()
    const at = (step * SHARD) % (order.length - SHARD)
    // Past the warm-up (fraction 0.9): the objective a shard computes for most of a level.
    shardGradient(model, layout, order.slice(at, at + SHARD).map((i) => examples[i]!), { fraction: 0.9 }, gradient, reached)
  }
  return (performance.now() - started) / (STEPS - UNTIMED)
}

if (!isMainThread) parentPort!.postMessage(msPerShard())
else {
  console.log(`one thread alone:       ${msPerShard().toFixed(2)} ms a shard`)
  const entry = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}) })`
  const results = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(entry, { eval: true, argv: SMOKE ? ["--smoke"] : [] })
          worker.once("message", (ms: number) => void worker.terminate().then(() => resolve(ms)))
          worker.once("error", reject)
        })
    )
  )
  console.log(`two threads side by side: ${results.map((ms) => ms.toFixed(2)).join(" and ")} ms a shard`)
}
