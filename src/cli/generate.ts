/**
 * `grapheme generate (--all-levels | --level N) [--samples N] [--output DIR] [--seed S]
 *  [--threads N] [--shard i/N] [--format jsonl] [--config FILE]`
 *
 * Writes `{output}/{train,val,test}/level_N.jsonl` (a shard: `level_N.shard-i-of-N.jsonl`),
 * shows a progress line on a terminal (examples/s, ETA) and prints a summary per level
 * (written, rejected by verification, duplicates dropped). Extra levels come from
 * `[curriculum] plugins` of the config file (default ./train_config.toml when present).
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Layer, Option } from "effect"
import { layerFromConfig } from "../layers/CurriculumLive.js"
import { formatGenerateSummary, progressLine } from "../layers/generator/format.js"
import { layer as generatorLayer } from "../layers/generator/GeneratorLive.js"
import { parseShard } from "../layers/generator/split.js"
import type { PluginError } from "../services/Curriculum.js"
import type { GenerateProgress, GenerateSummary, GeneratorError, Shard } from "../services/Generator.js"
import { DEFAULT_SEED, Generator } from "../services/Generator.js"
import { UsageError } from "./errors.js"

export const threadsOption = Options.integer("threads").pipe(
  Options.withDescription("Compute threads: the main thread and N-1 workers (0 = every core, 1 = no workers). The output does not depend on it."),
  Options.withDefault(0)
)

export const configOption = Options.text("config").pipe(
  Options.withDescription("train_config.toml whose [curriculum] plugins add levels (default: ./train_config.toml when it exists)."),
  Options.optional
)

const options = {
  allLevels: Options.boolean("all-levels").pipe(Options.withDescription("Generate every level of the curriculum.")),
  level: Options.integer("level").pipe(Options.withDescription("Generate this level only."), Options.optional),
  samples: Options.integer("samples").pipe(
    Options.withDescription("Examples per level before the 80/10/10 split (default: each level's own count, docs/generator.md)."),
    Options.optional
  ),
  output: Options.text("output").pipe(
    Options.withAlias("o"),
    Options.withDescription("Dataset directory: {train,val,test}/level_N.jsonl go under it."),
    Options.withDefault("data/generated")
  ),
  seed: Options.integer("seed").pipe(
    Options.withDescription("Seed of the PRNG (xoshiro128**); same seed, same bytes."),
    Options.withDefault(DEFAULT_SEED)
  ),
  threads: threadsOption,
  shard: Options.text("shard").pipe(
    Options.withDescription("i/N: write only the i-th (0-based) of N disjoint parts; the N parts together are the whole dataset."),
    Options.optional
  ),
  format: Options.choice("format", ["jsonl"]).pipe(Options.withDescription("Output format."), Options.withDefault("jsonl" as const)),
  config: configOption
}

export interface GenerateArgs {
  readonly allLevels: boolean
  readonly level: Option.Option<number>
  readonly samples: Option.Option<number>
  readonly output: string
  readonly seed: number
  readonly threads: number
  readonly shard: Option.Option<string>
  readonly format: "jsonl"
  readonly config: Option.Option<string>
}

/** The curriculum of a command: built-ins plus the config file's plugins. */
export const curriculumLayer = (config: Option.Option<string>) =>
  Option.match(config, {
    onNone: () => layerFromConfig("train_config.toml", true),
    onSome: (file) => layerFromConfig(file, false)
  })

/**
 * A progress reporter: on a terminal, one line rewritten at most 5 times a second;
 * otherwise a plain line whenever `milestone` says so (e.g. a level is complete).
 */
export const progressReporter = <P>(render: (p: P) => string, milestone: (p: P) => boolean = () => false) => {
  const tty = process.stderr.isTTY === true
  let last = 0
  let shown = false
  return {
    update: (p: P) => {
      if (!tty) {
        if (milestone(p)) process.stderr.write(`${render(p)}\n`)
        return
      }
      const now = Date.now()
      if (now - last < 200) return
      last = now
      shown = true
      process.stderr.write(`\r${render(p)}\u001b[K`)
    },
    clear: () => {
      if (tty && shown) process.stderr.write("\r\u001b[K")
    }
  }
}

export const generateHandler = (
  args: GenerateArgs
): Effect.Effect<GenerateSummary, UsageError | GeneratorError | PluginError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    if (args.allLevels === Option.isSome(args.level))
      return yield* new UsageError({ message: "give exactly one of --all-levels or --level N" })
    if (Option.isSome(args.samples) && args.samples.value < 1)
      return yield* new UsageError({ message: `--samples must be a positive integer, got ${args.samples.value}` })
    if (!Number.isInteger(args.seed) || args.seed < 0 || args.seed > 0xffffffff)
      return yield* new UsageError({ message: `--seed must be an integer in [0, 4294967295], got ${args.seed}` })
    if (args.threads < 0) return yield* new UsageError({ message: `--threads must be 0 (every core) or more, got ${args.threads}` })
    let shard: Shard | undefined
    if (Option.isSome(args.shard)) {
      const s = parseShard(args.shard.value)
      if (typeof s === "string") return yield* new UsageError({ message: s })
      shard = s
    }
    const progress = progressReporter(progressLine, (p: GenerateProgress) => p.levelWritten === p.levelTarget)
    const summary = yield* Effect.gen(function* () {
      const generator = yield* Generator
      return yield* generator.generate({
        levels: Option.isSome(args.level) ? [args.level.value] : "all",
        samples: Option.getOrUndefined(args.samples),
        output: args.output,
        seed: args.seed,
        shard,
        onProgress: progress.update
      })
    }).pipe(
      Effect.ensuring(Effect.sync(progress.clear)),
      Effect.provide(generatorLayer(args.threads).pipe(Layer.provide(curriculumLayer(args.config)))),
      Effect.scoped
    )
    yield* Console.log(formatGenerateSummary(summary))
    return summary
  })

export const generateCommand = Command.make("generate", options, (args) => Effect.asVoid(generateHandler(args))).pipe(
  Command.withDescription(
    "Generate the curriculum's verified examples (docs/generator.md) as JSONL: {output}/{train,val,test}/level_N.jsonl, " +
      "deduplicated and split 80/10/10 disjoint by input_polish."
  )
)
