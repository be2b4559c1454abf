/**
 * `grapheme import deepmind DIR --output OUT`: the dataset's `<module>.txt` files
 * (question and answer on alternate lines) → `OUT/<module>/level_N.jsonl`, for the
 * modules whose skills the curriculum teaches (../../domain/DeepMind.ts).
 *
 * Every converted line goes through the same check as `grapheme validate --input`
 * (../generator/check.ts): the Engine recomputes the answer and it must agree with the
 * dataset's, then the answer is verified independently. A line that fails is not
 * written; the report says, per module, how many questions were converted and why the
 * others were not. Inputs are written once (validate counts a repeated input as a
 * problem), across every module of the run.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { Data, Effect, Either, Stream } from "effect"
import * as path from "node:path"
import { convertDeepmind, deepmindModules } from "../../domain/DeepMind.js"
import { encodeLine } from "../../domain/Example.js"
import { toJson } from "../../domain/ExprJson.js"
import { print } from "../../domain/Polish.js"
import { builtinLevels } from "../../plugins/builtin/index.js"
import { numberOf } from "../../plugins/answer.js"
import { checkLine } from "../generator/check.js"
import { engineKernel } from "../generator/kernel.js"
import { lineBatches } from "../generator/validateData.js"

export class ImportError extends Data.TaggedError("ImportError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

export const SOURCE = "deepmind/mathematics_dataset"

export interface Refused {
  readonly reason: string
  readonly count: number
  /** The first question refused for this reason: its line in the file, its text, and the detail. */
  readonly example: { readonly line: number; readonly question: string; readonly detail: string }
}

export interface ModuleReport {
  readonly module: string
  readonly source: string
  readonly questions: number
  readonly converted: number
  readonly files: ReadonlyArray<{ readonly path: string; readonly level: number; readonly lines: number }>
  readonly refused: ReadonlyArray<Refused>
}

export interface ImportReport {
  readonly modules: ReadonlyArray<ModuleReport>
  /** `.txt` files of modules the curriculum does not teach (not read). */
  readonly skipped: ReadonlyArray<string>
}

export interface ImportOptions {
  /** Read at most this many questions per file. */
  readonly limit?: number | undefined
}

const levelOf = (n: number) => builtinLevels.find((l) => l.level === n)

export const importDeepmind = (dir: string, out: string, options: ImportOptions = {}) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const io = (what: string) => (cause: unknown) => new ImportError({ message: `${what}: ${String((cause as Error)?.message ?? cause)}`, cause })
    const info = yield* fs.stat(dir).pipe(Effect.mapError(() => new ImportError({ message: `${dir}: no such directory` })))
    if (info.type !== "Directory") return yield* new ImportError({ message: `${dir}: is not a directory (give a folder of the dataset, e.g. …/interpolate)` })
    const names = (yield* fs.readDirectory(dir).pipe(Effect.mapError(io(`cannot list ${dir}`)))).filter((n) => n.endsWith(".txt")).sort()
    const taught = names.filter((n) => deepmindModules.has(n.slice(0, -4)))
    const skipped = names.filter((n) => !deepmindModules.has(n.slice(0, -4)))
    if (taught.length === 0)
      return yield* new ImportError({
        message: `${dir}: no .txt file of a module the curriculum teaches (e.g. arithmetic__add_or_sub.txt, calculus__differentiate.txt); point at one folder of the dataset, e.g. …/interpolate`
      })
    const seen = new Set<string>()
    const reports: Array<ModuleReport> = []
    for (const name of taught) {
      const module = name.slice(0, -4)
      const file = path.join(dir, name)
      const moduleDir = path.join(out, module)
      yield* fs.makeDirectory(moduleDir, { recursive: true }).pipe(Effect.mapError(io(`cannot create ${moduleDir}`)))
      for (const old of yield* fs.readDirectory(moduleDir).pipe(Effect.mapError(io(`cannot list ${moduleDir}`))))
        if (/^level_\d+\.jsonl$/.test(old)) yield* fs.remove(path.join(moduleDir, old)).pipe(Effect.mapError(io(`cannot replace ${old}`)))
      const counts = new Map<number, number>()
      const refused = new Map<string, { count: number; example: Refused["example"] }>()
      const refuse = (reason: string, line: number, question: string, detail: string) => {
        const r = refused.get(reason)
        if (r === undefined) refused.set(reason, { count: 1, example: { line, question, detail } })
        else r.count++
      }
      let lineNo = 0
      let questions = 0
      let converted = 0
      let pending: { readonly line: number; readonly text: string } | undefined
      const limit = options.limit ?? Infinity
      const convertBatch = (batch: ReadonlyArray<string>): Map<number, Array<string>> => {
        const byLevel = new Map<number, Array<string>>()
        for (const text of batch) {
          lineNo++
          if (pending === undefined) {
            if (text.trim() !== "" && questions < limit) pending = { line: lineNo, text }
            continue
          }
          const q = pending
          pending = undefined
          questions++
          const c = convertDeepmind(module, q.text, text)
          if (Either.isLeft(c)) {
            refuse(c.left, q.line, q.text, "")
            continue
          }
          const { level, input, bindings, answer } = c.right
          const key = print(input)
          if (seen.has(key)) {
            refuse("the same input as an earlier question", q.line, q.text, key)
            continue
          }
          const isNumber = answer._tag === "Integer" || answer._tag === "Rational" || answer._tag === "Float"
          let result: number | null = null
          if (isNumber) {
            try {
              result = numberOf(answer, engineKernel)
            } catch (e) {
              refuse("the answer is not a finite double", q.line, q.text, (e as Error).message)
              continue
            }
          }
          const line = encodeLine({
            id: `${module}:${q.line}`,
            level,
            input_polish: key,
            input_expr: toJson(input),
            expected_result: result,
            expected_symbolic: isNumber ? null : toJson(answer),
            bindings,
            extra: { expected_polish: print(answer), source: SOURCE, module, question: q.text.trim(), answer: text.trim() }
          })
          const checked = checkLine(line, levelOf, engineKernel)
          if (checked.kind !== "") {
            refuse(`the Engine's check fails (${checked.kind})`, q.line, q.text, `${checked.field === "" ? "" : `${checked.field}: `}${checked.message}`)
            continue
          }
          seen.add(key)
          converted++
          counts.set(level, (counts.get(level) ?? 0) + 1)
          const list = byLevel.get(level) ?? []
          list.push(line)
          byLevel.set(level, list)
        }
        return byLevel
      }
      yield* lineBatches(fs, file).pipe(
        Stream.mapError(io(`cannot read ${file}`)),
        Stream.runForEach((batch) =>
          Effect.forEach(convertBatch(batch), ([level, lines]) => {
            const target = path.join(moduleDir, `level_${level}.jsonl`)
            return fs.writeFileString(target, `${lines.join("\n")}\n`, { flag: "a" }).pipe(Effect.mapError(io(`cannot write ${target}`)))
          }, { discard: true })
        )
      )
      if (pending !== undefined) {
        questions++
        refuse("no answer line after the question", pending.line, pending.text, "")
      }
      reports.push({
        module,
        source: file,
        questions,
        converted,
        files: [...counts].sort(([a], [b]) => a - b).map(([level, lines]) => ({ path: path.join(moduleDir, `level_${level}.jsonl`), level, lines })),
        refused: [...refused].map(([reason, r]) => ({ reason, count: r.count, example: r.example })).sort((a, b) => b.count - a.count)
      })
    }
    return { modules: reports, skipped } satisfies ImportReport
  })

/** The report as the command prints it: per module, what was converted, where it went, and why the rest was not. */
export const formatImportReport = (r: ImportReport): string => {
  const out: Array<string> = []
  for (const m of r.modules) {
    out.push(`${m.module}: ${m.converted} of ${m.questions} question${m.questions === 1 ? "" : "s"} converted`)
    for (const f of m.files) out.push(`  ${f.path}  ${f.lines} line${f.lines === 1 ? "" : "s"} (level ${f.level})`)
    for (const x of m.refused)
      out.push(`  not converted, ${x.count}: ${x.reason} — e.g. line ${x.example.line}: ${x.example.question.trim()}${x.example.detail === "" ? "" : ` (${x.example.detail})`}`)
  }
  if (r.skipped.length > 0) out.push(`skipped ${r.skipped.length} file${r.skipped.length === 1 ? "" : "s"} of modules the curriculum does not teach: ${r.skipped.join(", ")}`)
  return out.join("\n")
}
