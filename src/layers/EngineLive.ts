/**
 * The live Engine: the pure algorithms of `src/layers/engine/`, lifted into Effects.
 * Those functions throw EngineError (cheap in hot loops); here every throw becomes a
 * typed failure, and a call-stack overflow on pathological nesting becomes TooDeep.
 */
import { Effect, Either, Layer } from "effect"
import type { Expr } from "../domain/Expr.js"
import { parseExpression } from "../domain/Notation.js"
import { print } from "../domain/Polish.js"
import { Engine, EngineError } from "../services/Engine.js"
import { derive } from "./engine/derive.js"
import { equivalent } from "./engine/equivalent.js"
import { evaluate } from "./engine/evaluate.js"
import { antiderivative, definiteIntegral } from "./engine/integrate.js"
import { run } from "./engine/run.js"
import { simplify } from "./engine/simplify.js"
import { solve } from "./engine/solve.js"

/** Runs a pure engine function; EngineError and stack overflow become typed failures. */
export const attempt = <A>(f: () => A): Effect.Effect<A, EngineError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (err) {
      if (err instanceof EngineError) return Effect.fail(err)
      if (err instanceof RangeError)
        return Effect.fail(new EngineError({ reason: "TooDeep", message: "expression nested too deeply" }))
      return Effect.die(err)
    }
  })

export const make = Engine.of({
  parse: (text) =>
    Either.match(parseExpression(text), {
      onLeft: (e) => Effect.fail(new EngineError({ reason: "Parse", message: e.message })),
      onRight: Effect.succeed
    }),
  print,
  evaluate: (expr, bindings) => attempt(() => evaluate(expr, bindings)),
  simplify: (expr) => attempt(() => simplify(expr)),
  derive: (expr, v) => attempt(() => derive(expr, v)),
  antiderivative: (expr, v) => attempt(() => antiderivative(expr, v)),
  definiteIntegral: (expr: Expr, v: string, a: Expr, b: Expr) => attempt(() => definiteIntegral(expr, v, a, b)),
  solve: (eq, v) => attempt(() => solve(eq, v)),
  equivalent: (a, b) => attempt(() => equivalent(a, b)),
  run: (expr, bindings) => attempt(() => run(expr, bindings))
})

export const EngineLive: Layer.Layer<Engine> = Layer.succeed(Engine, make)
