/** Curriculum plugins: the level type, the registry, the built-ins, loading from modules and config. */
export * from "../services/CurriculumLevel.js"
export { AnswerError, checkDerivative, defaultAnswer, defaultVerify, envOf, numberOf } from "./answer.js"
export { builtinLevels, level1, level2, level3, level4, level5, level6, level7 } from "./builtin/index.js"
export { builtinRegistry, emptyRegistry, levelProblem, register, type Registry } from "./registry.js"
export { PluginError } from "../services/Curriculum.js"
export { levelsOfModule, loadPluginModule, moduleUrl } from "./load.js"
