/**
 * One contract suite run against both Storage layers: FileStorage (on Node's file
 * system, in a temp directory) and InMemoryStorage. Same inputs, same results, same
 * error reasons and messages.
 */
import { afterAll, assert, describe, it, layer } from "@effect/vitest"
import { Chunk, Effect, Either, Exit, FastCheck as fc, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { CHECKSUM_BYTES, decodeCheckpoint, encodeCheckpoint, FORMAT_VERSION, MAGIC } from "../../src/layers/storage/checkpoint.js"
import { crc32 } from "../../src/layers/storage/crc32.js"
import { storageLayers } from "../../src/layers/storage/index.js"
import { Storage, type StorageError } from "../../src/services/Storage.js"
import { Rng } from "../../src/domain/Random.js"
import { Adam } from "../../src/layers/optimizers/index.js"
import { checkpointOf, expectedOf } from "../../src/layers/storage/checkpoint.js"
import type { BrainModel } from "../../src/services/Brain.js"
import * as T from "../../src/tensor/index.js"
import { datasetText, exampleLine, expectedOfSample, randomBits, sameBits, sampleCheckpoint } from "./fixtures.js"

const tempRoot = fs.mkdtempSync(nodePath.join(os.tmpdir(), "grapheme-storage-"))
afterAll(() => fs.rmSync(tempRoot, { recursive: true, force: true }))

const roots = { file: tempRoot, memory: "store" } as const

/** A tiny regression model: y = x·Wᵀ + b, fit to fixed data, as a BrainModel. */
class TinyNet extends T.Module {
  readonly layer: T.Linear
  constructor(seed: number) {
    super()
    this.layer = new T.Linear(3, 2, Rng.seeded(seed))
  }
}
const xs = T.tensor([1, 2, 3, -1, 0.5, 2, 0, 1, -2, 3, 3, 1], [4, 3])
const ys = T.tensor([1, 0, 0, 1, 1, 1, -1, 2], [4, 2])
const tinyModel = (seed: number): BrainModel & { readonly net: TinyNet } => {
  const net = new TinyNet(seed)
  let gates: ReadonlyArray<number> = [seed, 0.5]
  return {
    net,
    kind: "tiny",
    shape: { inputs: 3, outputs: 2 },
    module: net,
    objective: () => T.mseLoss(net.layer.forward(xs), ys),
    predict: () => [],
    state: () => ({ gates: [...gates] }),
    loadState: (s) => Effect.sync(() => void (gates = s.gates ?? []))
  }
}

/** The error of a failed effect (fails the test if it succeeded). */
const failure = <A>(effect: Effect.Effect<A, StorageError>) =>
  Effect.flip(effect).pipe(Effect.orElse(() => Effect.dieMessage("expected a failure")))

const setU32 = (bytes: Uint8Array, at: number, v: number) => new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, v, true)
/** Recomputes the checksum after an edit, so that only the edited field is wrong. */
const reseal = (bytes: Uint8Array): Uint8Array => {
  setU32(bytes, bytes.length - CHECKSUM_BYTES, crc32(bytes.subarray(0, bytes.length - CHECKSUM_BYTES)))
  return bytes
}

for (const [name, storageLayer] of Object.entries(storageLayers)) {
  const root = roots[name as keyof typeof roots]
  const at = (...parts: Array<string>) => nodePath.join(root, ...parts)

  layer(storageLayer)(`Storage contract: ${name}`, (it) => {
    // ─── checkpoints ─────────────────────────────────────────────────────────────────
    describe("checkpoints", () => {
      it.effect("round trip is bit-identical for parameters, optimizer buffers and state", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const c = sampleCheckpoint(1)
          const path = at("ckpt-roundtrip", "checkpoints", "latest.bin")
          yield* storage.writeCheckpoint(path, c)
          const back = yield* storage.readCheckpoint(path, expectedOfSample(c))
          assert.deepStrictEqual(Object.keys(back.parameters), Object.keys(c.parameters))
          for (const [n, v] of Object.entries(c.parameters)) assert.isTrue(sameBits(back.parameters[n], v), n)
          assert.deepStrictEqual(back.parameterShapes, c.parameterShapes)
          assert.isNotNull(back.optimizer)
          assert.deepStrictEqual(Object.keys(back.optimizer!.buffers), Object.keys(c.optimizer!.buffers))
          for (const [n, v] of Object.entries(c.optimizer!.buffers)) assert.isTrue(sameBits(back.optimizer!.buffers[n], v), n)
          const { buffers: _a, ...optRest } = back.optimizer!
          const { buffers: _b, ...optWant } = c.optimizer!
          assert.deepStrictEqual(optRest, optWant)
          assert.deepStrictEqual(back.model, c.model)
          assert.deepStrictEqual(
            [back.level, back.epoch, back.config, back.rng, back.metrics],
            [c.level, c.epoch, c.config, c.rng, c.metrics]
          )
          // the file holds exactly the encoder's bytes, and encoding is deterministic
          const onDisk = yield* storage.readFile(path)
          assert.deepStrictEqual(onDisk, encodeCheckpoint(c))
          assert.deepStrictEqual(encodeCheckpoint(back), onDisk)
        }))

      it.effect("random tensors of any bit pattern survive (property)", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const cases = fc.sample(fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.array(fc.tuple(fc.nat(6), fc.nat(6)), { maxLength: 5 })), {
            numRuns: 20,
            seed: 42
          })
          for (const [[seed, shapes], i] of cases.map((c, i) => [c, i] as const)) {
            const rng = Rng.seeded(seed)
            const parameterShapes = Object.fromEntries(shapes.map(([r, c], j) => [`layers.${j}.weight`, [r, c] as const]))
            const parameters = Object.fromEntries(shapes.map(([r, c], j) => [`layers.${j}.weight`, randomBits(rng, r * c)]))
            const buffers = Object.fromEntries(shapes.map(([r, c], j) => [`momentum.${j}`, randomBits(rng, r * c)]))
            const c = {
              ...sampleCheckpoint(seed),
              parameters,
              parameterShapes,
              optimizer: { kind: "sgd" as const, step: i, learningRate: 0.1, shapes: Object.values(parameterShapes), buffers }
            }
            const path = at("ckpt-prop", `${i}.bin`)
            yield* storage.writeCheckpoint(path, c)
            const back = yield* storage.readCheckpoint(path, expectedOfSample(c))
            for (const [n, v] of Object.entries(parameters)) assert.isTrue(sameBits(back.parameters[n], v), `${i} ${n}`)
            for (const [n, v] of Object.entries(buffers)) assert.isTrue(sameBits(back.optimizer?.buffers[n], v), `${i} ${n}`)
          }
        }))

      it.effect("a checkpoint without an optimizer, and an overwrite, read back", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("ckpt-overwrite", "final.bin")
          yield* storage.writeCheckpoint(path, sampleCheckpoint(1))
          yield* storage.writeCheckpoint(path, { ...sampleCheckpoint(2), optimizer: null, epoch: 9 })
          const back = yield* storage.readCheckpoint(path)
          assert.isNull(back.optimizer)
          assert.strictEqual(back.epoch, 9)
          assert.isTrue(sameBits(back.parameters["head.weight"], sampleCheckpoint(2).parameters["head.weight"]))
        }))

      it.effect("a truncated file is refused (Truncated or Checksum), at every cut", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const bytes = encodeCheckpoint(sampleCheckpoint(3))
          const path = at("ckpt-truncated", "latest.bin")
          const cuts = [bytes.length - 1, bytes.length - 4, bytes.length - 9, Math.floor(bytes.length / 2), 200, 40, 19, 16, 12, 9, 8, 3, 0]
          for (const cut of cuts) {
            yield* storage.writeFile(path, bytes.subarray(0, cut))
            const e = yield* failure(storage.readCheckpoint(path))
            assert.include(["Truncated", "Checksum"], e.reason, `cut at ${cut}: ${e.message}`)
            assert.isTrue(e.message.startsWith(`${path}: `), e.message)
            assert.strictEqual(e.path, path)
          }
          // cut inside the payload: the header is intact and says how long the file should be
          yield* storage.writeFile(path, bytes.subarray(0, bytes.length - 100))
          const e = yield* failure(storage.readCheckpoint(path))
          assert.strictEqual(e.reason, "Truncated")
          assert.strictEqual(e.message, `${path}: file is truncated (${bytes.length - 100} bytes, the header describes ${bytes.length})`)
        }))

      it.effect("a flipped bit is refused with Checksum", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const bytes = encodeCheckpoint(sampleCheckpoint(4))
          const path = at("ckpt-flipped", "latest.bin")
          const rng = Rng.seeded(99)
          const positions = [16, 17, 100, bytes.length - 200, bytes.length - 5, bytes.length - 1, ...Array.from({ length: 20 }, () => rng.int(16, bytes.length - 1))]
          for (const pos of positions) {
            const bad = bytes.slice()
            bad[pos]! ^= 1 << rng.int(0, 7)
            yield* storage.writeFile(path, bad)
            const e = yield* failure(storage.readCheckpoint(path))
            assert.strictEqual(e.reason, "Checksum", `byte ${pos}: ${e.message}`)
            assert.strictEqual(e.message, `${path}: checksum mismatch (file is corrupt or truncated)`)
          }
        }))

      it.effect("a wrong magic is refused with Magic, and the file is never evaluated", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("ckpt-magic", "model.bin")
          yield* storage.writeFile(path, `{"model": "this is JSON, not a checkpoint"}`)
          const e = yield* failure(storage.readCheckpoint(path))
          assert.strictEqual(e.reason, "Magic")
          assert.strictEqual(e.message, `${path}: not a GRAPHEME checkpoint (starts with "{\\"model\\"", expected "${MAGIC}")`)
          // a checkpoint-looking file whose header is JavaScript: a Header error, nothing runs
          const bytes = encodeCheckpoint(sampleCheckpoint(5))
          const js = new TextEncoder().encode("globalThis.pwned = true;//")
          const evil = bytes.slice()
          evil.set(js, 16)
          yield* storage.writeFile(path, reseal(evil))
          const h = yield* failure(storage.readCheckpoint(path))
          assert.strictEqual(h.reason, "Header")
          assert.match(h.message, /^.*: the header is not valid JSON/)
          assert.isUndefined((globalThis as Record<string, unknown>).pwned)
        }))

      it.effect("an intact header that is not a checkpoint header is refused with Header, naming the field", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("ckpt-header", "latest.bin")
          const bytes = encodeCheckpoint(sampleCheckpoint(6))
          const length = new DataView(bytes.buffer).getUint32(12, true)
          const text = new TextDecoder().decode(bytes.subarray(16, 16 + length)).replace(`"step":1234`, `"step":12.5`)
          bytes.set(new TextEncoder().encode(text), 16)
          yield* storage.writeFile(path, reseal(bytes))
          const e = yield* failure(storage.readCheckpoint(path))
          assert.strictEqual(e.reason, "Header")
          assert.strictEqual(e.message, `${path}: header field optimizer.step: Expected an integer, actual 12.5`)
        }))

      it.effect("a wrong version is refused with Version", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("ckpt-version", "latest.bin")
          const bytes = encodeCheckpoint(sampleCheckpoint(6))
          setU32(bytes, 8, FORMAT_VERSION + 1)
          yield* storage.writeFile(path, reseal(bytes))
          const e = yield* failure(storage.readCheckpoint(path))
          assert.strictEqual(e.reason, "Version")
          assert.strictEqual(
            e.message,
            `${path}: checkpoint format version ${FORMAT_VERSION + 1}, this build reads version ${FORMAT_VERSION} (written by a newer GRAPHEME, or corrupt)`
          )
        }))

      it.effect("a shape mismatch names the parameter (and kind, model shape, missing and extra names)", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("ckpt-shape", "latest.bin")
          const c = sampleCheckpoint(7, 8)
          yield* storage.writeCheckpoint(path, c)
          const want = expectedOfSample(c)
          const check = (expected: typeof want, message: string) =>
            Effect.gen(function* () {
              const e = yield* failure(storage.readCheckpoint(path, expected))
              assert.strictEqual(e.reason, "Shape")
              assert.strictEqual(e.message, `${path}: ${message}`)
            })
          yield* check(
            { ...want, parameterShapes: { ...want.parameterShapes, "affine.map.weight": [16, 2] } },
            "parameter affine.map.weight has shape [8, 2] in the file, the model expects [16, 2]"
          )
          yield* check({ ...want, kind: "transformer" }, `the checkpoint is for a model of kind "affine-test", the model is "transformer"`)
          yield* check({ ...want, shape: { hidden: 16, inputs: 2 } }, "model shape hidden is 8 in the file, the model expects 16")
          yield* check(
            { ...want, parameterShapes: { ...want.parameterShapes, "head.bias": [1, 1] } },
            "parameter head.bias is missing from the file"
          )
          const { "head.weight": _, ...fewer } = want.parameterShapes
          yield* check({ ...want, parameterShapes: fewer }, "parameter head.weight is in the file but not in the model")
        }))

      it.effect("a missing checkpoint is NotFound; an inconsistent one is not written (Encode)", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const missing = at("ckpt-missing", "latest.bin")
          const e = yield* failure(storage.readCheckpoint(missing))
          assert.strictEqual(e.reason, "NotFound")
          assert.strictEqual(e.message, `${missing}: no such file`)
          const c = sampleCheckpoint(8)
          const bad = { ...c, parameterShapes: { ...c.parameterShapes, "head.weight": [2, 8] as const } }
          const path = at("ckpt-encode", "latest.bin")
          const w = yield* failure(storage.writeCheckpoint(path, { ...bad, parameters: { ...c.parameters, "head.weight": new Float64Array(3) } }))
          assert.strictEqual(w.reason, "Encode")
          assert.strictEqual(
            w.message,
            `${path}: cannot encode the checkpoint: encodeCheckpoint: parameter head.weight has 3 values, its shape [2, 8] needs 16`
          )
          assert.isFalse(yield* storage.exists(path))
        }))

      it.effect("resuming from a checkpoint continues bit-identically (real Module + Adam)", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("ckpt-resume", "epoch_1_level_1.bin")
          const a = tinyModel(1)
          const optA = yield* Adam.make(a.module.parameters(), { learningRate: 0.05 })
          const train = (m: typeof a, opt: typeof optA, steps: number) => {
            for (let i = 0; i < steps; i++) {
              opt.zeroGrad()
              m.objective([], { fraction: 0 }).backward()
              opt.step()
            }
          }
          train(a, optA, 5)
          yield* storage.writeCheckpoint(path, checkpointOf({ model: a, optimizer: optA, level: 1, epoch: 1, config: {}, rng: Rng.seeded(3).state(), metrics: {} }))
          // a fresh model and optimizer, loaded from the file
          const b = tinyModel(2)
          const optB = yield* Adam.make(b.module.parameters(), { learningRate: 0.05 })
          const c = yield* storage.readCheckpoint(path, expectedOf(b))
          b.module.loadStateDict(c.parameters)
          yield* optB.loadState(c.optimizer!)
          yield* b.loadState(c.model.state)
          assert.deepStrictEqual(b.state(), a.state())
          assert.deepStrictEqual(c.rng, Rng.seeded(3).state())
          train(a, optA, 5)
          train(b, optB, 5)
          for (const [n, v] of Object.entries(a.module.stateDict())) assert.isTrue(sameBits(b.module.stateDict()[n], v), n)
          assert.strictEqual(optB.stepCount(), 10)
        }))

      it("decodeCheckpoint is pure and agrees with the layer", () => {
        const c = sampleCheckpoint(9)
        const decoded = decodeCheckpoint(encodeCheckpoint(c))
        assert.isTrue(Either.isRight(decoded))
        const wrong = decodeCheckpoint(new Uint8Array([1, 2, 3]))
        assert.isTrue(Either.isLeft(wrong) && wrong.left.reason === "Magic")
      })
    })

    // ─── datasets ────────────────────────────────────────────────────────────────────
    describe("datasets", () => {
      const seed = (dir: string) =>
        Effect.gen(function* () {
          const storage = yield* Storage
          yield* storage.writeFile(nodePath.join(dir, "train", "level_2.jsonl"), datasetText("train-L2", 2, 5))
          yield* storage.writeFile(nodePath.join(dir, "train", "level_10.jsonl"), datasetText("train-L10", 10, 2))
          yield* storage.writeFile(nodePath.join(dir, "train", "level_1.jsonl"), datasetText("train-L1", 1, 4))
          yield* storage.writeFile(nodePath.join(dir, "val", "level_1.jsonl"), datasetText("val-L1", 1, 3))
          yield* storage.writeFile(nodePath.join(dir, "test", "level_1.jsonl"), datasetText("test-L1", 1, 2))
          yield* storage.writeFile(nodePath.join(dir, "test", "notes.txt"), "not a dataset")
          yield* storage.writeFile(nodePath.join(dir, "other", "level_1.jsonl"), datasetText("other", 1, 1))
        })

      it.effect("listDatasets finds {train,val,test}/level_N.jsonl in order", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const dir = at("data-list")
          yield* seed(dir)
          const files = yield* storage.listDatasets(dir)
          assert.deepStrictEqual(files.map((f) => [f.split, f.level, f.path]), [
            ["train", 1, nodePath.join(dir, "train", "level_1.jsonl")],
            ["train", 2, nodePath.join(dir, "train", "level_2.jsonl")],
            ["train", 10, nodePath.join(dir, "train", "level_10.jsonl")],
            ["val", 1, nodePath.join(dir, "val", "level_1.jsonl")],
            ["test", 1, nodePath.join(dir, "test", "level_1.jsonl")]
          ])
          const e = yield* failure(storage.listDatasets(at("data-nowhere")))
          assert.strictEqual(e.reason, "NotFound")
          assert.strictEqual(e.message, `${at("data-nowhere")}: no such directory`)
        }))

      it.effect("datasets stream in order, with their file and line", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const dir = at("data-order")
          yield* seed(dir)
          const all = yield* storage.readAll(dir)
          assert.deepStrictEqual(all.map((l) => l.example.id), [
            ...["train-L1-0", "train-L1-1", "train-L1-2", "train-L1-3"],
            ...["train-L2-0", "train-L2-1", "train-L2-2", "train-L2-3", "train-L2-4"],
            ...["train-L10-0", "train-L10-1"],
            ...["val-L1-0", "val-L1-1", "val-L1-2"],
            ...["test-L1-0", "test-L1-1"]
          ])
          assert.deepStrictEqual(all.slice(0, 2).map((l) => [l.path, l.line]), [
            [nodePath.join(dir, "train", "level_1.jsonl"), 1],
            [nodePath.join(dir, "train", "level_1.jsonl"), 2]
          ])
          assert.strictEqual(all[0]!.example.expected_result, 0)
          const train1 = yield* storage.readAll(dir, { split: "train", level: 1 })
          assert.deepStrictEqual(train1.map((l) => l.example.id), ["train-L1-0", "train-L1-1", "train-L1-2", "train-L1-3"])
          const level1 = yield* storage.readAll(dir, { level: 1 })
          assert.deepStrictEqual(level1.map((l) => l.example.id.split("-")[0]), ["train", "train", "train", "train", "val", "val", "val", "test", "test"])
          const e = yield* failure(storage.readAll(dir, { split: "val", level: 3 }))
          assert.strictEqual(e.reason, "NotFound")
          assert.strictEqual(e.message, `${dir}: no dataset file ${nodePath.join(dir, "val", "level_3.jsonl")}`)
        }))

      it.effect("a flat directory of .jsonl files (one per group) streams file by file, by name", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const dir = at("data-flat")
          yield* storage.writeFile(nodePath.join(dir, "renamed.jsonl"), datasetText("renamed", 3, 2))
          yield* storage.writeFile(nodePath.join(dir, "free_symbols.jsonl"), datasetText("free", 5, 3))
          yield* storage.writeFile(nodePath.join(dir, "build.ts"), "not a dataset")
          const all = yield* storage.readAll(dir)
          assert.deepStrictEqual(all.map((l) => [nodePath.basename(l.path), l.example.id]), [
            ["free_symbols.jsonl", "free-0"], ["free_symbols.jsonl", "free-1"], ["free_symbols.jsonl", "free-2"],
            ["renamed.jsonl", "renamed-0"], ["renamed.jsonl", "renamed-1"]
          ])
          // a split asks for the {train,val,test} layout, which a flat directory does not have
          const e = yield* failure(storage.readAll(dir, { split: "test" }))
          assert.strictEqual(e.reason, "NotFound")
        }))

      it.effect("a single file: blank lines skipped, CRLF accepted, level filters lines, line numbers kept", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("data-file", "mixed.jsonl")
          const text = [exampleLine("a", 1, 1, 2), "", exampleLine("b", 2, 3, 4), "   ", exampleLine("c", 1, 5, 6)].join("\r\n")
          yield* storage.writeFile(path, text) // no final newline
          const all = yield* storage.readAll(path)
          assert.deepStrictEqual(all.map((l) => [l.example.id, l.line]), [["a", 1], ["b", 3], ["c", 5]])
          const level1 = yield* storage.readAll(path, { level: 1 })
          assert.deepStrictEqual(level1.map((l) => l.example.id), ["a", "c"])
          const missing = yield* failure(storage.readAll(at("data-file", "nope.jsonl")))
          assert.strictEqual(missing.reason, "NotFound")
          assert.strictEqual(missing.message, `${at("data-file", "nope.jsonl")}: no such file or directory`)
        }))

      it.effect("a malformed line fails with file:line and the field, after the lines before it", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("data-bad", "train", "level_1.jsonl")
          const bad = exampleLine("bad", 1, 1, 2).replace(`"expected_result":3`, `"expected_result":"three"`)
          yield* storage.writeFile(path, [exampleLine("ok-1", 1, 1, 1), exampleLine("ok-2", 1, 2, 2), bad, exampleLine("after", 1, 3, 3)].join("\n"))
          const seen: Array<string> = []
          const exit = yield* storage.readDataset(path).pipe(
            Stream.runForEach((l) => Effect.sync(() => seen.push(l.example.id))),
            Effect.exit
          )
          assert.deepStrictEqual(seen, ["ok-1", "ok-2"])
          assert.isTrue(Exit.isFailure(exit))
          const e = yield* failure(storage.readAll(path))
          assert.strictEqual(e.reason, "BadLine")
          assert.strictEqual(e.line, 3)
          assert.match(e.message, new RegExp(`^${path.replace(/[.\\]/g, "\\$&")}:3: field expected_result: `))
          // not JSON at all
          yield* storage.writeFile(path, `${exampleLine("ok", 1, 1, 1)}\n{"id": oops}\n`)
          const j = yield* failure(storage.readAll(path))
          assert.strictEqual(j.line, 2)
          assert.match(j.message, /:2: invalid JSON \(/)
          // a nested field is named by its path
          yield* storage.writeFile(path, exampleLine("nested", 1, 1, 1).replace(`"op":"Add"`, `"op":"Plus"`) + "\n")
          const n = yield* failure(storage.readAll(path))
          assert.match(n.message, /:1: field input_expr/)
        }))

      it.effect("many lines across read chunks, with multi-byte characters, stream in order", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("data-chunks", "train", "level_3.jsonl")
          const n = 3000
          yield* storage.writeFile(path, datasetText("big", 3, n, (i) => ({ note: "∂λ→".repeat(1 + (i % 17)) })))
          let count = 0
          let lastLine = 0
          yield* storage.readDataset(path).pipe(
            Stream.runForEach((l) =>
              Effect.sync(() => {
                assert.strictEqual(l.example.id, `big-${count}`)
                assert.strictEqual(l.example.note, "∂λ→".repeat(1 + (count % 17)))
                assert.strictEqual(l.line, lastLine + 1)
                lastLine = l.line
                count++
              }))
          )
          assert.strictEqual(count, n)
          const first = yield* Stream.runCollect(Stream.take(storage.readDataset(path), 3))
          assert.deepStrictEqual(Chunk.toReadonlyArray(first).map((l) => l.line), [1, 2, 3])
        }))
    })

    // ─── log, metrics, files ─────────────────────────────────────────────────────────
    describe("log and metrics", () => {
      it.effect("appendLog appends lines, creating the file and its directory", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("run-log", "nested", "training.log")
          yield* storage.appendLog(path, "[Level 1] Epoch 1/10")
          yield* storage.appendLog(path, "  Batch 100/156: loss=0.5, GED=1.25\n")
          yield* storage.appendLog(path, "[Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)")
          const lines = yield* Stream.runCollect(storage.readLines(path))
          assert.deepStrictEqual(Chunk.toReadonlyArray(lines), [
            "[Level 1] Epoch 1/10",
            "  Batch 100/156: loss=0.5, GED=1.25",
            "[Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)"
          ])
          assert.strictEqual(
            new TextDecoder().decode(yield* storage.readFile(path)),
            "[Level 1] Epoch 1/10\n  Batch 100/156: loss=0.5, GED=1.25\n[Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)\n"
          )
        }))

      it.effect("appendMetrics writes JSON lines that readMetrics gives back", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("run-metrics", "metrics.jsonl")
          const records = [
            { level: 1, epoch: 1, batch: 100, loss: 0.5, ged: 1.25 },
            { level: 1, epoch: 1, avg_loss: 0.25, accuracy: 0.96 },
            { level: 2, event: "advance", from: 1, to: 2 }
          ]
          for (const r of records) yield* storage.appendMetrics(path, r)
          const back = yield* Stream.runCollect(storage.readMetrics(path))
          assert.deepStrictEqual(Chunk.toReadonlyArray(back), records)
          const raw = new TextDecoder().decode(yield* storage.readFile(path))
          assert.strictEqual(raw, records.map((r) => JSON.stringify(r)).join("\n") + "\n")
          // a record that is not JSON: Encode, and nothing appended
          const e = yield* failure(storage.appendMetrics(path, { big: 1n }))
          assert.strictEqual(e.reason, "Encode")
          assert.match(e.message, /^.*metrics\.jsonl: cannot write the record as JSON: /)
          assert.strictEqual((yield* storage.readFile(path)).length, raw.length)
          // a line that is not an object
          yield* storage.appendLog(path, "[1, 2]")
          const bad = yield* failure(Stream.runDrain(storage.readMetrics(path)))
          assert.strictEqual(bad.reason, "BadLine")
          assert.strictEqual(bad.message, `${path}:4: a metrics line must be a JSON object`)
        }))

      it.effect("writeFile replaces whole files; exists sees files and directories", () =>
        Effect.gen(function* () {
          const storage = yield* Storage
          const path = at("files", "sub", "a.txt")
          assert.isFalse(yield* storage.exists(path))
          assert.isFalse(yield* storage.exists(at("files")))
          yield* storage.writeFile(path, "first version, longer")
          yield* storage.writeFile(path, new TextEncoder().encode("second"))
          assert.strictEqual(new TextDecoder().decode(yield* storage.readFile(path)), "second")
          assert.isTrue(yield* storage.exists(path))
          assert.isTrue(yield* storage.exists(at("files", "sub")))
          assert.isTrue(yield* storage.exists(at("files")))
          assert.isFalse(yield* storage.exists(at("files", "sub", "a.txt", "inside")))
          const dir = yield* failure(storage.readFile(at("files", "sub")))
          assert.strictEqual(dir.reason, "Io")
          assert.strictEqual(dir.message, `${at("files", "sub")}: is a directory, expected a file`)
        }))
    })
  })
}
