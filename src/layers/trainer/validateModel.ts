/**
 * `validate --model`: the model's own answers on a dataset, graded by the Engine
 * (../grading.ts, docs/grading.md): per level, accuracy, exact-form match, mean GED and
 * count; and, on request, the first wrong or unanswered lines with the brain's answer.
 * The answers come from the checkpoint's brain only; the Engine never answers for it.
 */
import * as path from "node:path"
import { Chunk, Effect, Either, Stream } from "effect"
import type { Example } from "../../domain/Example.js"
import type { Expr } from "../../domain/Expr.js"
import { equals } from "../../domain/Expr.js"
import { parse, print } from "../../domain/Polish.js"
import type { GedCosts } from "../../domain/ged/index.js"
import { defaultGedCosts } from "../../domain/ged/index.js"
import { Brain, type BrainModel } from "../../services/Brain.js"
import { Storage } from "../../services/Storage.js"
import { expectedOf } from "../storage/checkpoint.js"
import { isCorrect, numberOfAnswer } from "../grading.js"
import { meanGed } from "./curriculum.js"
import { labelled, type LabelledExample } from "./examples.js"

export interface LevelScore {
  readonly level: number
  /** The file the lines came from, when a directory of group files was graded (data/probes/). */
  readonly group?: string | undefined
  readonly count: number
  readonly accuracy: number
  /** The answer is exactly the expected form (the same number, or the same expression tree). */
  readonly exactMatch: number
  readonly meanGed: number
  /** Inputs the model gave no answer for (counted as wrong). */
  readonly unanswered: number
  /** Answered / all. */
  readonly coverage: number
  /** Right / answered (1 when nothing was answered: no answer given was wrong). */
  readonly precision: number
}

const exactForm = (answer: LabelledExample["expected"]["symbolic"] | undefined, e: LabelledExample): boolean => {
  if (answer === undefined || answer === null) return false
  if (e.expected.result !== null) {
    const v = numberOfAnswer(answer)
    return v !== undefined && v === e.expected.result
  }
  return e.expected.symbolic !== null && equals(answer, e.expected.symbolic)
}

/** A line the brain answered wrong or not at all, as `--show-wrong` prints it. */
export interface WrongAnswer {
  readonly id: string
  readonly level: number
  /** The input in Polish, with its bindings (`x=2`). */
  readonly input: string
  /** The original question, when the line carries one (an imported benchmark). */
  readonly question: string | undefined
  /** The brain's answer in Polish, or undefined when it gave none. */
  readonly answer: string | undefined
  /** Why the brain gave no answer, when it says. */
  readonly reason?: string | undefined
  readonly expected: string
}

/** The expected answer as text: `expected_polish` when the line has it, else the number or the expression. */
const expectedText = (e: LabelledExample, line: Example | undefined): string => {
  const polish = line?.["expected_polish"]
  if (typeof polish === "string" && Either.isRight(parse(polish))) return polish
  if (e.expected.result !== null) return String(e.expected.result)
  return e.expected.symbolic === null ? "—" : print(e.expected.symbolic)
}

const wrongAnswer = (e: LabelledExample, answer: Expr | undefined, reason: string | undefined, line: Example | undefined): WrongAnswer => ({
  id: e.id,
  level: e.level,
  input: [print(e.input.expr), ...e.input.bindings.map(([n, v]) => `${n}=${v}`)].join(" "),
  question: typeof line?.["question"] === "string" ? (line["question"] as string) : undefined,
  answer: answer === undefined ? undefined : print(answer),
  reason,
  expected: expectedText(e, line)
})

export const scoreLevel = (
  model: BrainModel,
  level: number,
  examples: ReadonlyArray<LabelledExample>,
  costs: GedCosts,
  group?: string,
  wrong?: { readonly keep: number; readonly into: Array<WrongAnswer>; readonly lines?: ReadonlyArray<Example> }
): LevelScore => {
  const inputs = examples.map((e) => e.input)
  const predictions = model.predictWithReasons?.(inputs) ?? model.predict(inputs).map((answer) => ({ answer, reason: undefined }))
  let correct = 0
  let exact = 0
  let unanswered = 0
  examples.forEach((e, i) => {
    const { answer: a, reason } = predictions[i] ?? { answer: undefined, reason: undefined }
    if (a === undefined) unanswered++
    if (isCorrect(a, e.expected, e.input.expr)) correct++
    else if (wrong !== undefined && wrong.into.length < wrong.keep) wrong.into.push(wrongAnswer(e, a, reason, wrong.lines?.[i]))
    if (exactForm(a, e)) exact++
  })
  const n = Math.max(1, examples.length)
  const answered = examples.length - unanswered
  return {
    level,
    group,
    count: examples.length,
    accuracy: correct / n,
    exactMatch: exact / n,
    meanGed: meanGed(model, examples, costs),
    unanswered,
    coverage: answered / n,
    precision: answered === 0 ? 1 : correct / answered
  }
}

/** Loads the checkpoint into a fresh brain of the same shape. */
export const loadModel = (file: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage
    const brain = yield* Brain
    const model = yield* brain.make({ seed: 0 })
    const saved = yield* storage.readCheckpoint(file, expectedOf(model))
    model.module.loadStateDict(saved.parameters)
    yield* model.loadState(saved.model.state)
    return model
  })

export interface ModelReport {
  readonly scores: ReadonlyArray<LevelScore>
  /** The first `showWrong` lines answered wrong or not at all, in level order. */
  readonly wrong: ReadonlyArray<WrongAnswer>
}

export const validateModel = (modelFile: string, data: string, costs: GedCosts = defaultGedCosts) =>
  Effect.map(validateModelReport(modelFile, data, { costs }), (r) => r.scores)

export const validateModelReport = (
  modelFile: string,
  data: string,
  options: { readonly costs?: GedCosts; readonly showWrong?: number } = {}
) =>
  Effect.gen(function* () {
    const costs = options.costs ?? defaultGedCosts
    const storage = yield* Storage
    const model = yield* loadModel(modelFile)
    // A split directory (data/generated/test/) is read as that split of its parent.
    const base = path.basename(path.resolve(data))
    const lines = yield* (
      base === "train" || base === "val" || base === "test"
        ? storage.readDataset(path.dirname(path.resolve(data)), { split: base })
        : storage.readDataset(data)
    ).pipe(Stream.runCollect)
    // Rows per level; lines from files not named level_N.jsonl (a directory of groups) by file and level,
    // and lines that name their `family` (a plugin level's kinds of problem) by family and level.
    const keep = options.showWrong ?? 0
    const rows = new Map<string, { level: number; group: string | undefined; examples: Array<LabelledExample>; lines: Array<Example> }>()
    for (const l of Chunk.toReadonlyArray(lines)) {
      const e = labelled(l.example as Example)
      const name = path.basename(l.path)
      const family = (l.example as Example)["family"]
      const group = !LEVEL_FILE.test(name) ? name.replace(/\.jsonl$/, "") : typeof family === "string" ? family : undefined
      const key = `${group ?? ""}\t${e.level}`
      const row = rows.get(key) ?? { level: e.level, group, examples: [], lines: [] }
      row.examples.push(e)
      if (keep > 0) row.lines.push(l.example as Example)
      rows.set(key, row)
    }
    const wrong: Array<WrongAnswer> = []
    const scores = [...rows.values()]
      .sort((a, b) => (a.group ?? "").localeCompare(b.group ?? "") || a.level - b.level)
      .map((r) => scoreLevel(model, r.level, r.examples, costs, r.group, { keep, into: wrong, lines: r.lines }))
    return { scores, wrong } satisfies ModelReport
  })

const LEVEL_FILE = /^level_\d+\.jsonl$/

/** `--show-wrong`: one block per line, after the table. */
export const formatWrong = (wrong: ReadonlyArray<WrongAnswer>, asked: number): string => {
  if (wrong.length === 0) return "no wrong or unanswered lines"
  const head = `first ${wrong.length} wrong or unanswered line${wrong.length === 1 ? "" : "s"}${wrong.length < asked ? " (all of them)" : ""}:`
  return [
    head,
    ...wrong.map((w) =>
      [
        `${w.id} (level ${w.level})`,
        ...(w.question === undefined ? [] : [`  question: ${w.question}`]),
        `  input:    ${w.input}`,
        `  brain:    ${w.answer ?? `— (no answer${w.reason === undefined ? "" : `: ${w.reason}`})`}`,
        `  expected: ${w.expected}`
      ].join("\n"))
  ].join("\n")
}

/** The rows together: every figure over all lines (weighted by count). */
export const overallScore = (scores: ReadonlyArray<LevelScore>): Omit<LevelScore, "level" | "group"> => {
  const total = scores.reduce((n, s) => n + s.count, 0)
  const weighted = (f: (s: LevelScore) => number) => scores.reduce((acc, s) => acc + f(s) * s.count, 0) / Math.max(1, total)
  const unanswered = scores.reduce((n, s) => n + s.unanswered, 0)
  const answered = total - unanswered
  const right = scores.reduce((n, s) => n + s.accuracy * s.count, 0)
  return {
    accuracy: weighted((s) => s.accuracy),
    exactMatch: weighted((s) => s.exactMatch),
    meanGed: weighted((s) => s.meanGed),
    count: total,
    unanswered,
    coverage: answered / Math.max(1, total),
    precision: answered === 0 ? 1 : right / answered
  }
}

export const formatScores = (scores: ReadonlyArray<LevelScore>): string => {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`.padStart(9)
  // With groups (a directory of group files), a first column names each row's group.
  const width = Math.max(0, ...scores.map((s) => (s.group === undefined ? 0 : s.group.length + 2)))
  const group = (name: string) => (width === 0 ? "" : name.padEnd(width))
  const row = (name: string, level: string, s: Omit<LevelScore, "level" | "group">) =>
    `${group(name)}${level.padStart(5)}  ${pct(s.accuracy)}  ${pct(s.exactMatch).padStart(10)}  ${s.meanGed.toFixed(3).padStart(8)}  ${String(s.count).padStart(7)}  ${String(s.unanswered).padStart(9)}  ${pct(s.coverage)}  ${pct(s.precision)}`
  return [
    `${group("group")}level   accuracy  exact form  mean GED    count  no answer   coverage  precision`,
    ...scores.map((s) => row(s.group ?? "", String(s.level), s)),
    row("", "all", overallScore(scores))
  ].join("\n")
}

