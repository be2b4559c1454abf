/**
 * `grapheme plot [LOG] [-o FILE.svg] [--scale auto|log|linear]` — loss, GED and accuracy
 * per epoch from a `training.log` (or a `metrics.jsonl`), one panel per curriculum level,
 * level changes marked (docs/plot.md). Writes an SVG (Apache ECharts, server-side) and
 * prints `wrote training.svg: 3 levels, 27 epochs`.
 *
 * LOG defaults to ./training.log; the output to LOG's name with `.svg` (`-o -`: the SVG on
 * standard output, no summary). A malformed but recognised line of the log is a warning
 * (`grapheme: warning: training.log:17: …`) on stderr; a log without any epoch is an
 * error (exit 1).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Data, Effect, Option } from "effect"
import * as path from "node:path"
import type { TrainingLog } from "../domain/TrainingLog.js"
import { epochCount, formatIssue, parseTrainingFile } from "../domain/TrainingLog.js"
import type { ScaleMode } from "../layers/plot/trainingChart.js"
import { renderTrainingSvg } from "../layers/plot/trainingChart.js"
import { InputError, UsageError } from "./errors.js"

/** The log holds nothing to plot, or the SVG could not be written (exit 1). */
export class PlotError extends Data.TaggedError("PlotError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

const logArg = Args.text({ name: "log" }).pipe(
  Args.withDescription("The training log (training.log) or a metrics.jsonl file (JSONL when the name ends in .jsonl)."),
  Args.withDefault("training.log")
)

const options = {
  output: Options.text("output").pipe(
    Options.withAlias("o"),
    Options.withPseudoName("FILE.svg"),
    Options.withDescription("Where to write the SVG (default: the log's name with .svg; - for standard output)."),
    Options.optional
  ),
  scale: Options.choice("scale", ["auto", "log", "linear"]).pipe(
    Options.withDescription("Scale of the loss/GED axis: auto = logarithmic when the values span two decades or more."),
    Options.withDefault("auto" as const)
  )
}

export interface PlotArgs {
  readonly log: string
  readonly output: Option.Option<string>
  readonly scale: ScaleMode
}

export interface PlotSummary {
  /** The file written, or `-` for standard output. */
  readonly output: string
  readonly levels: number
  readonly epochs: number
  readonly warnings: number
}

/** `runs/training.log` → `runs/training.svg`; `metrics.jsonl` → `metrics.svg`; `log` → `log.svg`. */
export const defaultOutput = (log: string): string => {
  const ext = path.extname(log)
  return (ext === "" ? log : log.slice(0, -ext.length)) + ".svg"
}

const MAX_WARNINGS = 10

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const noEpochs = (log: TrainingLog, file: string): string =>
  log.format === "jsonl"
    ? `${file}: no epochs to plot (expected records like {"level":1,"epoch":1,"loss":0.2,"accuracy":0.87})`
    : `${file}: no epochs to plot (expected lines like "[Level 1] Epoch 1/10" and "Epoch complete: avg_loss=0.201, accuracy=0.87")`

export const plotHandler = (
  args: PlotArgs
): Effect.Effect<PlotSummary, UsageError | InputError | PlotError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const file = args.log
    const output = Option.getOrElse(args.output, () => defaultOutput(file))
    if (output !== "-" && path.extname(output).toLowerCase() !== ".svg")
      return yield* new UsageError({ message: `plot writes SVG: give -o a name ending in .svg, got "${output}"` })
    if (output !== "-" && path.resolve(output) === path.resolve(file))
      return yield* new UsageError({ message: `-o ${output} would overwrite the log itself` })

    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(
      Effect.mapError((e) =>
        new InputError({
          message: e._tag === "SystemError" && e.reason === "NotFound"
            ? `cannot read "${file}": no such file`
            : e._tag === "SystemError" && e.reason === "BadResource"
            ? `cannot read "${file}": not a file`
            : `cannot read "${file}": ${e.message}`,
          cause: e
        })
      )
    )
    const log = parseTrainingFile(text, file)

    for (const issue of log.issues.slice(0, MAX_WARNINGS)) yield* Console.error(`grapheme: warning: ${formatIssue(file, issue)}`)
    if (log.issues.length > MAX_WARNINGS)
      yield* Console.error(`grapheme: warning: … and ${log.issues.length - MAX_WARNINGS} more in ${file}`)

    const epochs = epochCount(log)
    if (epochs === 0) return yield* new PlotError({ message: noEpochs(log, file) })

    const svg = yield* Effect.sync(() =>
      renderTrainingSvg(log, { scale: args.scale, title: `Training — ${path.basename(file)}` })
    )
    const summary: PlotSummary = { output, levels: log.levels.length, epochs, warnings: log.issues.length }
    if (output === "-") {
      yield* Console.log(svg)
      return summary
    }
    yield* fs.writeFileString(output, svg).pipe(
      Effect.mapError((e) => new PlotError({ message: `cannot write "${output}": ${e.message}`, cause: e }))
    )
    yield* Console.log(formatPlotSummary(summary))
    return summary
  })

/** `wrote training.svg: 3 levels, 27 epochs` (`, 2 warnings` when lines were malformed). */
export const formatPlotSummary = (s: PlotSummary): string =>
  `wrote ${s.output}: ${plural(s.levels, "level")}, ${plural(s.epochs, "epoch")}` +
  (s.warnings > 0 ? `, ${plural(s.warnings, "warning")}` : "")

export const plotCommand = Command.make("plot", { log: logArg, ...options }, (args) => Effect.asVoid(plotHandler(args))).pipe(
  Command.withDescription(
    "Plot loss, GED and accuracy per epoch from training.log (or metrics.jsonl) as an SVG: " +
      "one panel per curriculum level, level changes marked."
  )
)
