/**
 * `grapheme validate --input DIR|FILE`: every line checked (./check.ts) on the
 * executor's threads, then duplicates and split leakage found in the main thread with
 * one Map from input_polish to the splits it was seen in (and where first), so memory
 * grows with the number of distinct inputs only.
 *
 * A file's split is the nearest enclosing directory named train, val or test; a file
 * elsewhere (an edge-case set, a foreign dataset) is in no split: its duplicates are
 * reported, leakage does not apply.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Stream } from "effect"
import * as path from "node:path"
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import type {
  LevelReport, SplitOrNone, ValidateOptions, ValidationProblem, ValidationReport
} from "../../services/Generator.js"
import { GeneratorError } from "../../services/Generator.js"
import type { ChunkExecutorApi } from "./pool.js"
import type { ValidateResult } from "./protocol.js"

/** Bytes read at a time: each read becomes one batch of lines for a worker (~1,000 lines of level 5). */
const READ_CHUNK = 1024 * 1024

/**
 * The lines of a file, a batch per read (Stream.splitLines goes character by character,
 * ~20 µs a line on the main thread: too slow beside two workers). "\r\n" is accepted.
 */
export const lineBatches = (fs: FileSystem.FileSystem, file: string) =>
  Stream.suspend(() => {
    let carry = ""
    const split = (text: string): Array<string> => {
      const parts = (carry + text).split("\n")
      carry = parts.pop() as string
      return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
    }
    return fs.stream(file, { chunkSize: READ_CHUNK }).pipe(
      Stream.decodeText(),
      Stream.map(split),
      Stream.concat(Stream.sync(() => (carry === "" ? [] : [carry.endsWith("\r") ? carry.slice(0, -1) : carry]))),
      Stream.filter((batch) => batch.length > 0)
    )
  })
const MAX_LISTED = 200

const SPLIT_BITS: Record<SplitOrNone, number> = { train: 1, val: 2, test: 4, none: 8 }
const BIT_NAMES: ReadonlyArray<[number, SplitOrNone]> = [[1, "train"], [2, "val"], [4, "test"], [8, "none"]]

export const splitOfPath = (file: string): SplitOrNone => {
  const parts = path.resolve(file).split(path.sep)
  for (let i = parts.length - 2; i >= 0; i--) {
    const p = parts[i]
    if (p === "train" || p === "val" || p === "test") return p
  }
  return "none"
}

interface MutableLevel {
  level: number
  name: string | undefined
  lines: number
  ok: number
  splits: Record<SplitOrNone, number>
  schema: number
  wrong: number
  offspec: number
  duplicates: number
  leaked: number
}

/** The .jsonl files of a path: the file itself, or every .jsonl under a directory, sorted. */
const listFiles = (fs: FileSystem.FileSystem, input: string) =>
  Effect.gen(function* () {
    const info = yield* fs.stat(input).pipe(
      Effect.mapError((cause) => new GeneratorError({ reason: "Input", message: `cannot read ${input}: no such file or directory`, cause }))
    )
    if (info.type === "File") return [input]
    if (info.type !== "Directory") return yield* new GeneratorError({ reason: "Input", message: `${input} is neither a file nor a directory` })
    const entries = yield* fs.readDirectory(input, { recursive: true }).pipe(
      Effect.mapError((cause) => new GeneratorError({ reason: "Io", message: `cannot list ${input}`, cause }))
    )
    const files = entries.filter((e) => e.endsWith(".jsonl")).sort().map((e) => path.join(input, e))
    if (files.length === 0) return yield* new GeneratorError({ reason: "Input", message: `no .jsonl files under ${input}` })
    return files
  })

export const validateDataset = (
  fs: FileSystem.FileSystem,
  executor: ChunkExecutorApi,
  levels: ReadonlyArray<CurriculumLevel>,
  inflight: number,
  options: ValidateOptions
): Effect.Effect<ValidationReport, GeneratorError> =>
  Effect.gen(function* () {
    const started = Date.now()
    const files = yield* listFiles(fs, options.input)
    const names = new Map(levels.map((l) => [l.level, l.name]))
    const perLevel = new Map<number, MutableLevel>()
    const levelOf = (n: number): MutableLevel => {
      let m = perLevel.get(n)
      if (m === undefined) {
        m = {
          level: n, name: names.get(n), lines: 0, ok: 0, splits: { train: 0, val: 0, test: 0, none: 0 },
          schema: 0, wrong: 0, offspec: 0, duplicates: 0, leaked: 0
        }
        perLevel.set(n, m)
      }
      return m
    }
    // input_polish → (first line · 2^13 + file index) · 16 + split bits
    const seen = new Map<string, number>()
    const problems: Array<ValidationProblem> = []
    let problemCount = 0
    let total = 0
    const report = (p: ValidationProblem) => {
      problemCount++
      if (problems.length < MAX_LISTED) problems.push(p)
    }
    const fileReports: Array<{ path: string; split: SplitOrNone; lines: number }> = []

    for (let fi = 0; fi < files.length; fi++) {
      const file = files[fi] as string
      const split = splitOfPath(file)
      const bit = SPLIT_BITS[split]
      let lineNo = 0
      const absorb = (batch: ReadonlyArray<string>, r: ValidateResult) => {
        for (let i = 0; i < batch.length; i++) {
          lineNo++
          total++
          const level = r.levels[i] as number
          const m = levelOf(level)
          m.lines++
          m.splits[split]++
          const kind = r.kinds[i]
          let fine = kind === ""
          if (kind !== "" && kind !== undefined) {
            m[kind]++
            report({ file, line: lineNo, level, kind, field: r.fields[i] || undefined, message: r.messages[i] as string })
          }
          const polish = r.polish[i] as string
          if (polish !== "") {
            const prev = seen.get(polish)
            if (prev === undefined) seen.set(polish, (lineNo * 8192 + fi) * 16 + bit)
            else {
              const bits = prev % 16
              const first = Math.floor(prev / 16)
              const where = `${files[first % 8192]}:${Math.floor(first / 8192)}`
              // Counted whatever else is wrong with the line (schema/wrong/off-spec exclude each other).
              if ((bits & bit) !== 0) {
                m.duplicates++
                fine = false
                report({ file, line: lineNo, level, kind: "duplicate", field: "input_polish", message: `${polish} already at ${where}` })
              } else if (split !== "none" && (bits & ~SPLIT_BITS.none) !== 0) {
                const other = BIT_NAMES.filter(([b, n]) => (bits & b) !== 0 && n !== "none").map(([, n]) => n)
                m.leaked++
                fine = false
                report({ file, line: lineNo, level, kind: "leaked", field: "input_polish", message: `${polish} is also in ${other.join(", ")} (${where})` })
              }
              seen.set(polish, prev | bit)
            }
          }
          if (fine) m.ok++
        }
        options.onProgress?.(total, file, false)
      }
      yield* lineBatches(fs, file).pipe(
        Stream.mapError((cause) => new GeneratorError({ reason: "Io", message: `cannot read ${file}`, cause })),
        Stream.mapEffect(
          (batch) =>
            executor.validate(levels, batch).pipe(
              Effect.map((r) => [batch, r] as const),
              Effect.mapError((e) => new GeneratorError({ reason: "Worker", message: e.message, cause: e }))
            ),
          { concurrency: inflight }
        ),
        Stream.runForEach(([batch, r]) => Effect.sync(() => absorb(batch, r)))
      )
      fileReports.push({ path: file, split, lines: lineNo })
      options.onProgress?.(total, file, true)
    }
    const levelReports: Array<LevelReport> = [...perLevel.values()].sort((a, b) => a.level - b.level)
    return {
      files: fileReports,
      lines: total,
      levels: levelReports,
      problems,
      problemCount,
      seconds: (Date.now() - started) / 1000
    }
  })
