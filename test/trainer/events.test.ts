/**
 * Training events and their two renderings, checked against the first lines of a
 * default run's files (written at da25230, before the events existed): each
 * `metrics.jsonl` record decodes to an event that encodes back to the same text, each
 * event renders the `training.log` lines that run wrote, and `plot` reads our files
 * through the schemas that wrote them into what the lenient readers make of them.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { decodeMetricsJsonl, metricsRecordOf, type TrainingEvent } from "../../src/domain/TrainingEvent.js"
import { parseMetricsJsonl, parseTrainingFile, parseTrainingLog, readMetricsJsonl, readTrainingLog } from "../../src/domain/TrainingLog.js"
import { LogLine } from "../../src/domain/trainingLog/lines.js"
import { decodeOurLog } from "../../src/domain/trainingLog/ours.js"
import { Schema } from "effect"
import { formatMetric, logLinesOf } from "../../src/domain/trainingLog/render.js"

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8")
const metricsText = fixture("run.jsonl")
const logLines = fixture("run.log").trimEnd().split("\n")

const decoded = (() => {
  const result = decodeMetricsJsonl(metricsText)
  if (!("events" in result)) throw new Error(`run.jsonl:${result.badLine} is not one of our records`)
  return result.events
})()

describe("training events", () => {
  it("every record of a run's metrics.jsonl decodes, and encodes back to the same JSON text", () => {
    const records = metricsText.trimEnd().split("\n")
    assert.strictEqual(decoded.length, records.length)
    assert.deepStrictEqual(
      decoded.map((d) => d.event._tag),
      records.map((r) => (r.includes('"kind":"batch"') ? "BatchLogged" : r.includes('"kind":"epoch"') ? "EpochCompleted" : "Advanced"))
    )
    decoded.forEach(({ event }, i) => assert.strictEqual(JSON.stringify(Option.getOrThrow(metricsRecordOf(event))), records[i]))
  })

  it("the events render the run's training.log lines, in order", () => {
    // The metrics hold no epoch starts and no thread set-up: those lines are the log's own events.
    const starts = logLines.flatMap((l) => {
      const m = /^\[Level (\d+)\] Epoch (\d+)\/(\d+)$/.exec(l)
      return m === null ? [] : [{ level: Number(m[1]), epoch: Number(m[2]) }]
    })
    const events: Array<TrainingEvent> = [{ _tag: "DataParallel", shards: 2, threads: 2 }]
    for (const { event } of decoded) {
      if (event._tag === "BatchLogged" && !events.some((e) => e._tag === "EpochStarted" && e.level === event.level && e.epoch === event.epoch))
        events.push({ _tag: "EpochStarted", level: event.level, epoch: event.epoch, epochs: 10 })
      events.push(event)
    }
    assert.strictEqual(events.filter((e) => e._tag === "EpochStarted").length, starts.length)
    assert.deepStrictEqual(events.flatMap(logLinesOf), logLines)
  })

  it("render the log's other lines: levels with nothing to learn, left-out examples, stops, interrupts, no workers", () => {
    const lines = (event: TrainingEvent) => {
      const text = logLinesOf(event).join("\n")
      // Each line is also one our reader recognises.
      assert.isDefined(decodeOurLog(text), text)
      return text
    }
    assert.strictEqual(
      lines({ _tag: "NothingToLearn", level: 8, unlearnable: 50, accuracy: 0.25 }),
      "[Level 8] The brain cannot learn from any of the 50 training examples (no input or output for them): no epochs, validation accuracy=0.2500"
    )
    assert.strictEqual(lines({ _tag: "SomeUnlearnable", level: 5, learnable: 90, unlearnable: 10 }), "[Level 5] Training on 90 examples; 10 do not fit the brain's inputs or outputs")
    assert.strictEqual(lines({ _tag: "EarlyStopped", level: 3, stale: 5, accuracy: 0.5 }), "[Level 3] Early stop: no improvement for 5 epochs (accuracy 0.50)")
    assert.strictEqual(lines({ _tag: "OutOfEpochs", level: 3, accuracy: 0.9, threshold: 0.95 }), "[Level 3] Out of epochs (accuracy 0.90 ≤ 0.95)")
    assert.strictEqual(
      lines({ _tag: "Interrupted", level: 1, epoch: 2, batch: 18, batches: 72 }),
      "[Level 1] Interrupted in epoch 2 after batch 18/72; latest.bin continues from there"
    )
    assert.strictEqual(
      lines({ _tag: "DataParallelUnavailable", reason: "no workers", shards: 2 }),
      "Data-parallel steps unavailable (no workers); computing the 2 shards on one thread"
    )
    assert.deepStrictEqual(Option.getOrThrow(metricsRecordOf({ _tag: "NothingToLearn", level: 8, unlearnable: 50, accuracy: 0.25 })), {
      event: "skip",
      level: 8,
      unlearnable: 50,
      accuracy: 0.25
    })
    assert.isTrue(Option.isNone(metricsRecordOf({ _tag: "EpochStarted", level: 1, epoch: 1, epochs: 10 })))
  })

  it("metrics: four decimals, or exponent form below 1e-3", () => {
    assert.strictEqual(formatMetric(0), "0.0000")
    assert.strictEqual(formatMetric(82.69638502541204), "82.6964")
    assert.strictEqual(formatMetric(6.59e-29), "6.590e-29")
    assert.strictEqual(formatMetric(-0.0005), "-5.000e-4")
  })

  it("plot reads our metrics.jsonl through the schema, into what the lenient reader makes of it", () => {
    const viaSchema = readMetricsJsonl(metricsText, "metrics.jsonl")
    assert.deepStrictEqual(viaSchema, parseMetricsJsonl(metricsText, { source: "metrics.jsonl" }))
    assert.deepStrictEqual(viaSchema.levels.map((l) => [l.level, l.epochs.length, l.advancedAt?.toLevel]), [
      [1, 5, 2],
      [2, 1, undefined]
    ])
    assert.deepStrictEqual(viaSchema.levels[1]!.epochs[0]!.validation, [{ level: 1, accuracy: 1 }])
    assert.deepStrictEqual(parseTrainingFile(metricsText, "metrics.jsonl"), viaSchema)
  })

  it("every line of a run's training.log decodes with the line schemas and encodes back to the same text", () => {
    const lines = decodeOurLog(logLines.join("\n"))
    assert.isDefined(lines)
    assert.strictEqual(lines!.length, logLines.length)
    assert.deepStrictEqual(lines!.map((l) => Schema.encodeSync(LogLine)(l.value)), logLines)
    assert.deepStrictEqual(lines![2]!.value, { _tag: "BatchLine", batch: 100, batches: 125, loss: 82.6964, ged: 1 })
  })

  it("plot reads our training.log through the line schemas, into what the lenient reader makes of it", () => {
    const text = logLines.join("\n")
    const viaSchema = readTrainingLog(text, "training.log")
    assert.deepStrictEqual(viaSchema, parseTrainingLog(text, { source: "training.log" }))
    assert.deepStrictEqual(viaSchema.levels.map((l) => [l.level, l.epochs.length, l.advancedAt?.toLevel, l.advancedAt?.threshold]), [
      [1, 5, 2, 0.95],
      [2, 1, undefined, undefined]
    ])
    assert.deepStrictEqual(viaSchema.levels[1]!.epochs[0]!.validation, [{ level: 1, accuracy: 1 }])
    assert.deepStrictEqual(parseTrainingFile(text, "training.log"), viaSchema)
  })

  it("a log with a line that is not ours (another tool's header, a timestamp) is read leniently", () => {
    const foreign = ["GRAPHEME trainer 0.1.0 — seed 42", ...logLines].join("\n")
    assert.isUndefined(decodeOurLog(foreign))
    assert.isUndefined(decodeOurLog("  Batch 1/2: loss=nan, GED=1.0000"))
    assert.deepStrictEqual(readTrainingLog(foreign, "x.log").levels.length, 2)
  })

  it("a metrics file another tool wrote (aliases, other events) is read leniently", () => {
    const foreign = ['{"event":"start","seed":42}', '{"level":1,"epoch":1,"epochs":10,"avg_loss":0.2,"acc":0.87}'].join("\n")
    assert.deepStrictEqual(decodeMetricsJsonl(foreign), { badLine: 1 })
    const log = readMetricsJsonl(foreign, "m.jsonl")
    assert.deepStrictEqual(log.levels[0]!.epochs[0]!.accuracy, 0.87)
    assert.deepStrictEqual(log.levels[0]!.epochs[0]!.avgLoss, 0.2)
  })
})
