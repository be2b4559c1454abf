/**
 * `grapheme train [--config FILE] [--data DIR] [--output DIR] [--batch-size N] [--epochs N]
 *  [--lr X] [--optimizer sgd|adam|adamw] [--resume FILE] [--threads N] [--seed S]`
 *
 * The main job (SPEC §7): reads ./train_config.toml (flags win), generates the data if
 * it is missing, trains level by level, writes checkpoints/final.bin and prints the
 * per-level table (test split, beside an untrained brain). Ctrl-C stops at the next
 * batch boundary and writes <output>/latest.bin.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Console, Effect, Layer, Option } from "effect"
import { applyOverrides, loadConfigFlag } from "../layers/config/index.js"
import { formatGenerateSummary } from "../layers/generator/format.js"
import { layer as generatorLayer } from "../layers/generator/GeneratorLive.js"
import { optimizerLayers } from "../layers/optimizers/index.js"
import { storageLayers } from "../layers/storage/index.js"
import { formatTable } from "../layers/trainer/session.js"
import type { BatchProgress } from "../layers/trainer/curriculum.js"
import { DefaultBrain } from "../layers/trainer/defaultBrain.js"
import { Trainer } from "../layers/trainer/Trainer.js"
import { GedLoss } from "../layers/loss/index.js"
import { Generator } from "../services/Generator.js"
import { Storage } from "../services/Storage.js"
import { curriculumLayer, progressReporter } from "./generate.js"

const options = {
  config: Options.text("config").pipe(Options.withDescription("Training configuration (default ./train_config.toml when present)."), Options.optional),
  data: Options.text("data").pipe(Options.withDescription("Dataset directory ([paths] train_data)."), Options.optional),
  output: Options.text("output").pipe(Options.withDescription("Checkpoint directory ([paths] output_dir)."), Options.optional),
  batchSize: Options.integer("batch-size").pipe(Options.withDescription("[training] batch_size"), Options.optional),
  epochs: Options.integer("epochs").pipe(Options.withDescription("[training] epochs_per_level"), Options.optional),
  lr: Options.float("lr").pipe(Options.withDescription("[training] learning_rate (peak of the cosine schedule)"), Options.optional),
  optimizer: Options.choice("optimizer", ["sgd", "adam", "adamw"]).pipe(Options.withDescription("[optimizer] type"), Options.optional),
  resume: Options.text("resume").pipe(Options.withDescription("Continue from this checkpoint (latest.bin, epoch_E_level_L.bin)."), Options.optional),
  threads: Options.integer("threads").pipe(Options.withDescription("[hardware] num_threads (data generation and data-parallel batches); 0 = every core"), Options.optional),
  seed: Options.integer("seed").pipe(Options.withDescription("[training] seed"), Options.optional)
}

const progressText = (p: BatchProgress) =>
  `[Level ${p.level}] epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss=${p.loss.toExponential(2)} ` +
  `${Math.round(p.examplesPerSecond)} ex/s, epoch ETA ${Math.round((p.seconds / Math.max(1, p.batch)) * (p.batches - p.batch))} s`

export const trainCommand = Command.make("train", options, (args) =>
  Effect.gen(function* () {
    const config = yield* applyOverrides(yield* loadConfigFlag(args.config), {
      batchSize: args.batchSize,
      epochs: args.epochs,
      learningRate: args.lr,
      optimizer: args.optimizer,
      data: args.data,
      output: args.output,
      threads: args.threads,
      seed: args.seed
    })
    const storageLayer = storageLayers[config.paths.storage]
    // Generate whatever level of the configured range has no data yet.
    const present = yield* Effect.flatMap(Storage, (s) => s.listDatasets(config.paths.train_data)).pipe(
      Effect.catchAll(() => Effect.succeed([])),
      Effect.provide(storageLayer)
    )
    const missing: Array<number> = []
    for (let level = config.curriculum.start_level; level <= config.curriculum.end_level; level++)
      if (!present.some((f) => f.level === level && f.split === "train")) missing.push(level)
    if (missing.length > 0) {
      yield* Console.log(`No data for level(s) ${missing.join(", ")} in ${config.paths.train_data}: generating it (seed ${config.training.seed}).`)
      const summary = yield* Effect.flatMap(Generator, (g) =>
        g.generate({ levels: missing, output: config.paths.train_data, seed: config.training.seed })
      ).pipe(
        Effect.provide(generatorLayer(config.hardware.num_threads).pipe(Layer.provide(curriculumLayer(args.config)))),
        Effect.scoped
      )
      yield* Console.log(formatGenerateSummary(summary))
    }
    const stop = { value: false }
    // Ctrl-C finishes the current batch, writes a checkpoint and exits (instead of the
    // runtime's immediate interruption).
    process.removeAllListeners("SIGINT")
    process.once("SIGINT", () => {
      stop.value = true
      process.stderr.write("\nStopping after this batch (Ctrl-C again to abort)…\n")
      process.once("SIGINT", () => process.exit(130))
    })
    const progress = progressReporter(progressText)
    const result = yield* Trainer.train(config, {
      resume: Option.getOrUndefined(args.resume),
      onProgress: progress.update,
      echo: (line) => {
        progress.clear()
        process.stdout.write(`${line}\n`)
      },
      stop
    }).pipe(
      Effect.provide(
        Trainer.DefaultWithoutDependencies.pipe(
          Layer.provide(Layer.mergeAll(DefaultBrain, optimizerLayers[config.optimizer.type], storageLayer, GedLoss, curriculumLayer(args.config)))
        )
      ),
      Effect.ensuring(Effect.sync(progress.clear))
    )
    yield* Console.log(`\n${formatTable(result)}`)
  })
).pipe(
  Command.withDescription(
    "Train the brain level by level (docs/training.md): reads ./train_config.toml (flags override it), generates missing data, " +
      "writes checkpoints and training.log, and prints accuracy per level on the test split."
  )
)
