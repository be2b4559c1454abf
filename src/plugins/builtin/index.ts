/** The seven built-in levels of SPEC §4, in order. Each is a plugin like any other (SPEC §9). */
import type { CurriculumLevel } from "../../services/CurriculumLevel.js"
import { level1 } from "./level1.js"
import { level2 } from "./level2.js"
import { level3 } from "./level3.js"
import { level4 } from "./level4.js"
import { level5 } from "./level5.js"
import { level6 } from "./level6.js"
import { level7 } from "./level7.js"

export { level1, level2, level3, level4, level5, level6, level7 }

export const builtinLevels: ReadonlyArray<CurriculumLevel> = [level1, level2, level3, level4, level5, level6, level7]
