/**
 * The Engine's pure functions gathered as an `EngineKernel`: what generation and
 * validation call, in worker threads and in the main thread alike (no Effect per call).
 */
import { derive } from "../engine/derive.js"
import { evalFloat } from "../../domain/FloatEval.js"
import { evaluate } from "../engine/evaluate.js"
import { antiderivative, definiteIntegral } from "../engine/integrate.js"
import { adaptiveQuadrature } from "../engine/quadrature.js"
import { simplify } from "../engine/simplify.js"
import { solve } from "../engine/solve.js"
import type { EngineKernel } from "../../services/CurriculumLevel.js"

export const engineKernel: EngineKernel = {
  evaluate: (expr, bindings) => evaluate(expr, bindings),
  evalFloat: (expr, env) => evalFloat(expr, env),
  simplify,
  derive,
  antiderivative,
  definiteIntegral,
  solve,
  quadrature: adaptiveQuadrature
}
