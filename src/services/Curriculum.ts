/**
 * The curriculum: the ordered list of levels (SPEC §4, §9). The built-in seven come
 * from `CurriculumLive`; extra levels are a layer swap (`Curriculum` layers in
 * src/layers/CurriculumLive.ts: `layerWith(...levels)`, `layerFromConfig(file)`).
 */
import { Context, Data, type Effect } from "effect"
import type { CurriculumLevel } from "./CurriculumLevel.js"

/** Why a level cannot join a curriculum, or a plugin cannot be loaded or found. */
export class PluginError extends Data.TaggedError("PluginError")<{
  readonly reason: "Invalid" | "Duplicate" | "Load" | "Config" | "Unknown"
  readonly message: string
  readonly cause?: unknown
}> {}

export interface CurriculumApi {
  /** Every level, sorted by number. */
  readonly levels: ReadonlyArray<CurriculumLevel>
  /** The level with that number, or a PluginError "Unknown" that lists the known ones. */
  readonly get: (level: number) => Effect.Effect<CurriculumLevel, PluginError>
}

export class Curriculum extends Context.Tag("grapheme/Curriculum")<Curriculum, CurriculumApi>() {}
