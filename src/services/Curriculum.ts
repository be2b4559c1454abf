/**
 * The curriculum: the ordered list of levels (SPEC §4, §9). The built-in seven come
 * from `CurriculumLive`; extra levels are a layer swap (`Curriculum` layers in
 * src/layers/CurriculumLive.ts: `layerWith(...levels)`, `layerFromConfig(file)`).
 */
import { Context, type Effect } from "effect"
import type { CurriculumLevel } from "../plugins/Level.js"
import type { PluginError } from "../plugins/registry.js"

export interface CurriculumApi {
  /** Every level, sorted by number. */
  readonly levels: ReadonlyArray<CurriculumLevel>
  /** The level with that number, or a PluginError "Unknown" that lists the known ones. */
  readonly get: (level: number) => Effect.Effect<CurriculumLevel, PluginError>
}

export class Curriculum extends Context.Tag("grapheme/Curriculum")<Curriculum, CurriculumApi>() {}
