/** The training.log / metrics.jsonl parser (src/domain/TrainingLog.ts). */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { TrainingLog } from "../../src/domain/TrainingLog.js"
import {
  epochCount,
  formatIssue,
  parseMetricsJsonl,
  parseTrainingFile,
  parseTrainingLog
} from "../../src/domain/TrainingLog.js"

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), "utf8")

const level = (log: TrainingLog, n: number) => {
  const l = log.levels.find((x) => x.level === n)
  assert.isDefined(l, `level ${n}`)
  return l!
}

/** Line numbers matter: issues below name them. */
const handWritten = [
  /*  1 */ "GRAPHEME trainer — seed 42",
  /*  2 */ "",
  /*  3 */ "2024-05-01T10:00:00Z INFO [Level 1] Epoch 1/3",
  /*  4 */ "  Batch 100/156: loss=0.234, GED=0.45",
  /*  5 */ "  Batch 156/156: loss=0.189, GED=0.35",
  /*  6 */ "  Epoch complete: avg_loss=0.201, accuracy=0.87",
  /*  7 */ "  checkpoint saved at epoch 1 (checkpoints/epoch_1_level_1.bin)",
  /*  8 */ "[Level 1] Epoch 2/3",
  /*  9 */ "  Batch 100/156: loss=9.8e-2, GED=1.5E-1",
  /* 10 */ "  Epoch complete: avg_loss=9.8e-2, GED=0.12, accuracy=0.94",
  /* 11 */ "[Level 1] Epoch 3/3",
  /* 12 */ "  Batch 100/156: loss=abc, GED=0.05",
  /* 13 */ "  Epoch complete: accuracy=0.96",
  /* 14 */ "[Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)",
  /* 15 */ "",
  /* 16 */ "[Level 2] Epoch 1/10",
  /* 17 */ "  Batch 50/100: loss=1.5, GED=2",
  /* 18 */ "  Epoch complete: avg_loss=1.2e+0, accuracy=41%",
  /* 19 */ "  Validation: level 1 accuracy=0.97, level 2 accuracy=0.41",
  /* 20 */ "[Level 2] Epoch 2/10",
  /* 21 */ "  Epoch complete: avg_loss=nan, GED=1.1, accuracy=0.5",
  /* 22 */ "  Validation: level 1 accuracy=0.93",
  /* 23 */ "[Level 2] Epoch 3/10",
  /* 24 */ "  Batch 50/100: loss=0.8, GED=1.0",
  /* 25 */ "  Batch 100/100: loss=0.6, GED=0.8"
].join("\n")

describe("parseTrainingLog", () => {
  it("reads the seed's example", () => {
    const log = parseTrainingLog(
      [
        "[Level 1] Epoch 1/10",
        "  Batch 100/156: loss=0.234, GED=0.45",
        "  Batch 156/156: loss=0.189, GED=0.38",
        "  Epoch complete: avg_loss=0.201, accuracy=0.87",
        "",
        "[Level 1] Epoch 2/10",
        "  ...",
        "  Epoch complete: avg_loss=0.098, accuracy=0.94",
        "",
        "[Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)"
      ].join("\n")
    )
    assert.deepStrictEqual(log.issues, [])
    assert.strictEqual(log.format, "log")
    const l1 = level(log, 1)
    assert.deepStrictEqual(
      l1.epochs.map((e) => [e.epoch, e.of, e.avgLoss, e.accuracy, e.complete]),
      [[1, 10, 0.201, 0.87, true], [2, 10, 0.098, 0.94, true]]
    )
    assert.deepStrictEqual(l1.epochs[0]!.batches.map((b) => [b.batch, b.of, b.loss, b.ged, b.line]), [
      [100, 156, 0.234, 0.45, 2],
      [156, 156, 0.189, 0.38, 3]
    ])
    assert.deepStrictEqual(l1.advancedAt, { epoch: 2, toLevel: 2, accuracy: 0.96, threshold: 0.95, line: 10 })
  })

  it("reads a multi-level log with noise, exponents, validation and malformed lines", () => {
    const log = parseTrainingLog(handWritten)
    assert.deepStrictEqual(log.levels.map((l) => l.level), [1, 2])
    assert.strictEqual(epochCount(log), 6)

    const l1 = level(log, 1)
    const [e1, e2, e3] = l1.epochs
    // GED: the mean of the batches unless the epoch line gives one.
    assert.strictEqual(e1!.gedFrom, "batches")
    assert.closeTo(e1!.ged!, 0.4, 1e-12)
    assert.strictEqual(e2!.gedFrom, "epoch")
    assert.strictEqual(e2!.ged, 0.12)
    assert.strictEqual(e2!.avgLoss, 0.098)
    assert.strictEqual(e2!.batches[0]!.ged, 0.15)
    // Epoch 3: no avg_loss (an issue) and a bad batch loss (an issue); GED from its batch.
    assert.strictEqual(e3!.avgLoss, undefined)
    assert.strictEqual(e3!.accuracy, 0.96)
    assert.strictEqual(e3!.ged, 0.05)
    assert.deepStrictEqual(l1.advancedAt, { epoch: 3, toLevel: 2, accuracy: 0.96, threshold: 0.95, line: 14 })
    // "checkpoint saved at epoch 1" did not restart epoch 1.
    assert.strictEqual(e1!.complete, true)

    const l2 = level(log, 2)
    assert.strictEqual(l2.advancedAt, undefined)
    const [f1, f2, f3] = l2.epochs
    assert.strictEqual(f1!.avgLoss, 1.2)
    assert.strictEqual(f1!.accuracy, 0.41)
    assert.deepStrictEqual(f1!.validation, [{ level: 1, accuracy: 0.97 }, { level: 2, accuracy: 0.41 }])
    // A nan loss is dropped (an issue), the rest of the line kept.
    assert.strictEqual(f2!.avgLoss, undefined)
    assert.strictEqual(f2!.ged, 1.1)
    assert.deepStrictEqual(f2!.validation, [{ level: 1, accuracy: 0.93 }])
    // An epoch still running: its loss and GED are the means of its batches.
    assert.strictEqual(f3!.complete, false)
    assert.strictEqual(f3!.lossFrom, "batches")
    assert.closeTo(f3!.avgLoss!, 0.7, 1e-12)
    assert.closeTo(f3!.ged!, 0.9, 1e-12)

    assert.deepStrictEqual(log.issues.map((i) => formatIssue("training.log", i)), [
      `training.log:12: bad number "abc" for loss`,
      `training.log:13: "Epoch complete" line without avg_loss`,
      `training.log:21: avg_loss is nan (dropped)`
    ])
  })

  it("reports recognised lines out of place, and skips everything else", () => {
    const log = parseTrainingLog(
      [
        "  Batch 1/10: loss=0.5",
        "  Epoch complete: avg_loss=0.4",
        "Some unrelated line: x=1",
        "[Level 1] Not advancing to Level 2 (accuracy 0.4 < 0.95)",
        "[Level 1] Advancing to Level 2",
        "Epoch 1/2",
        "  Batch 1/10:",
        "  Validation: nothing here acc",
        "  Epoch complete: avg_loss=0.3"
      ].join("\n")
    )
    assert.deepStrictEqual(log.issues, [
      { line: 1, message: `"Batch" line outside an epoch (no "Epoch N/M" line before it)` },
      { line: 2, message: `"Epoch complete" line outside an epoch (no "Epoch N/M" line before it)` },
      { line: 5, message: `"Advancing" line before any epoch of level 1` },
      { line: 7, message: `"Batch" line without loss or GED` },
      { line: 8, message: `"Validation" line without "level N accuracy=A" pairs` }
    ])
    // Lines before any [Level N] belong to level 1.
    assert.deepStrictEqual(log.levels.map((l) => [l.level, l.epochs.map((e) => e.avgLoss)]), [[1, [0.3]]])
  })

  it("lets a resumed run replace the epochs it logs again", () => {
    const log = parseTrainingLog(
      [
        "[Level 1] Epoch 1/2",
        "  Epoch complete: avg_loss=0.5, accuracy=0.5",
        "[Level 1] Epoch 2/2",
        "  Epoch complete: avg_loss=0.4, accuracy=0.96",
        "[Level 1] Advancing to Level 2 (accuracy 0.96 > 0.95)",
        "[Level 1] Epoch 2/2",
        "  Epoch complete: avg_loss=0.3, accuracy=0.97"
      ].join("\n")
    )
    const l1 = level(log, 1)
    assert.deepStrictEqual(l1.epochs.map((e) => [e.epoch, e.avgLoss, e.line]), [[1, 0.5, 1], [2, 0.3, 6]])
    assert.strictEqual(l1.advancedAt, undefined)
  })

  it("accepts one-line forms: metrics on the Epoch line, CRLF, `acc`, ≥ and threshold=", () => {
    const log = parseTrainingLog(
      "[Level 3] Epoch 4/20 complete: loss=1e-3, ged=0, acc=0.999\r\n" +
        "[Level 3] Advancing to Level 4 (val_accuracy=0.999 >= threshold 0.98)\r\n"
    )
    assert.deepStrictEqual(log.issues, [])
    const l3 = level(log, 3)
    assert.deepStrictEqual(l3.epochs.map((e) => [e.epoch, e.of, e.avgLoss, e.ged, e.accuracy, e.complete]), [
      [4, 20, 0.001, 0, 0.999, true]
    ])
    assert.deepStrictEqual(l3.advancedAt, { epoch: 4, toLevel: 4, accuracy: 0.999, threshold: 0.98, line: 2 })
  })

  it("finds no epochs in an empty or unrelated file", () => {
    assert.strictEqual(epochCount(parseTrainingLog("")), 0)
    assert.strictEqual(epochCount(parseTrainingLog("hello\nworld\n[Level 1] Epoch 1/10\n")), 0)
  })

  it("reads the sample log of the docs without issues", () => {
    const log = parseTrainingLog(fixture("training.log"))
    assert.deepStrictEqual(log.issues, [])
    assert.deepStrictEqual(log.levels.map((l) => [l.level, l.epochs.length, l.advancedAt?.epoch]), [
      [1, 8, 8],
      [2, 12, 12],
      [3, 7, undefined]
    ])
  })
})

describe("parseMetricsJsonl", () => {
  it("reads batch, epoch and advance records with their aliases", () => {
    const log = parseMetricsJsonl(fixture("metrics.jsonl"))
    assert.strictEqual(log.format, "jsonl")
    assert.deepStrictEqual(log.levels.map((l) => l.level), [1, 2])
    const l1 = level(log, 1)
    assert.deepStrictEqual(l1.epochs.map((e) => [e.epoch, e.of, e.avgLoss, Number(e.ged!.toFixed(12)), e.gedFrom, e.accuracy]), [
      [1, 10, 0.201, 0.415, "batches", 0.87],
      [2, 10, 0.098, 0.2, "epoch", 0.96]
    ])
    assert.deepStrictEqual(l1.epochs[0]!.batches.map((b) => [b.batch, b.of, b.loss, b.ged]), [
      [100, 156, 0.234, 0.45],
      [156, 156, 0.189, 0.38]
    ])
    assert.deepStrictEqual(l1.advancedAt, { epoch: 2, toLevel: 2, accuracy: 0.96, threshold: 0.95, line: 6 })
    const l2 = level(log, 2)
    assert.deepStrictEqual(l2.epochs.map((e) => [e.epoch, e.avgLoss, e.accuracy, e.validation]), [
      [1, 1.2, 0.41, [{ level: 1, accuracy: 0.97 }, { level: 2, accuracy: 0.41 }]],
      [2, 0.9, 0.55, [{ level: 1, accuracy: 0.95 }]]
    ])
    assert.deepStrictEqual(log.issues.map((i) => formatIssue("metrics.jsonl", i)), [
      "metrics.jsonl:10: not valid JSON",
      `metrics.jsonl:11: record without a positive integer "level"`,
      `metrics.jsonl:12: "loss" is not a number`,
      "metrics.jsonl:12: epoch record without loss"
    ])
  })
})

describe("parseTrainingFile", () => {
  it("picks the format from the name, else from the first line", () => {
    const jsonl = `{"level":1,"epoch":1,"loss":0.5}\n`
    assert.strictEqual(parseTrainingFile(jsonl, "run/metrics.jsonl").format, "jsonl")
    assert.strictEqual(parseTrainingFile(jsonl, "run/metrics.txt").format, "jsonl")
    assert.strictEqual(parseTrainingFile("[Level 1] Epoch 1/2\n", "run/training.log").format, "log")
    assert.strictEqual(parseTrainingFile("", "x.jsonl").source, "x.jsonl")
  })
})

describe("Validation lines", () => {
  it("read several spellings of the level/accuracy pairs", () => {
    const log = parseTrainingLog(
      "[Level 3] Epoch 1/2\n  Epoch complete: avg_loss=0.5\n  Validation: level_1_accuracy=0.9; level 2: acc=0.8, level 3 accuracy=75%\n"
    )
    assert.deepStrictEqual(log.issues, [])
    const e = level(log, 3).epochs[0]!
    assert.deepStrictEqual(e.validation, [{ level: 1, accuracy: 0.9 }, { level: 2, accuracy: 0.8 }, { level: 3, accuracy: 0.75 }])
    // No accuracy on the epoch line: the level's own validation figure stands in.
    assert.strictEqual(e.accuracy, 0.75)
  })
})
