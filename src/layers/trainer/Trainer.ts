/**
 * The Trainer: trains a brain through the curriculum with the Brain, Optimizer, Loss,
 * Storage and Curriculum it is given (docs/training.md). One implementation, so an
 * `Effect.Service`: `Trainer.Default` trains the default brain with Adam, the GED loss,
 * files and the built-in levels; `Trainer.DefaultWithoutDependencies` takes the caller's
 * layers (a research script's own Brain layer trains data-parallel too when it says
 * where worker threads can load it: `BrainApi.source`).
 *
 *   const result = yield* Trainer.train(config)   // Effect<SessionResult, TrainerError, Trainer>
 */
import { Effect } from "effect"
import type { TrainConfig } from "../../domain/Config.js"
import { Brain } from "../../services/Brain.js"
import { Curriculum } from "../../services/Curriculum.js"
import { Loss } from "../../services/Loss.js"
import { Optimizer } from "../../services/Optimizer.js"
import { Storage } from "../../services/Storage.js"
import { CurriculumLive } from "../CurriculumLive.js"
import { GedLoss } from "../loss/index.js"
import { Adam } from "../optimizers/index.js"
import { FileStorage } from "../storage/index.js"
import { DefaultBrain } from "./defaultBrain.js"
import { trainSession, type SessionOptions } from "./session.js"

export class Trainer extends Effect.Service<Trainer>()("grapheme/Trainer", {
  effect: Effect.gen(function* () {
    const services = {
      brain: yield* Brain,
      optimizer: yield* Optimizer,
      loss: yield* Loss,
      storage: yield* Storage,
      curriculum: yield* Curriculum
    }
    return {
      /** A training session from `config` (or the checkpoint `options.resume`): the summary, the test table and the wall time. */
      train: (config: TrainConfig, options: SessionOptions = {}) => trainSession(services, config, options)
    } as const
  }),
  accessors: true,
  dependencies: [DefaultBrain, Adam.layer, GedLoss, FileStorage.layerNode, CurriculumLive]
}) {}
