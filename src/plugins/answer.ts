/**
 * The Engine's answer to a problem, and its independent verification (SPEC §4):
 *
 * | input head             | answer (Engine)                            | verification (independent of the answer's derivation)            |
 * |------------------------|--------------------------------------------|------------------------------------------------------------------|
 * | a number expression    | exact evaluation with the bindings         | double-precision evaluation of the input agrees                  |
 * | `(derive f x)`         | the simplified derivative                  | agrees with a numerical derivative of f (Richardson, ≥ 3 points) |
 * | `(derive (derive f x) y)` | d/dy of d/dx f (any depth)              | each step agrees with a numerical derivative of the one before   |
 * | `(integrate f x a b)`  | exact definite value + antiderivative F    | value vs adaptive quadrature; F' = f numerically; F(b)−F(a) = value |
 * | `(integrate f x)`      | antiderivative F                           | F' = f numerically                                                |
 * | `(solve (= l r) x)`    | the solution (several: extra `solutions`)  | substitution: l = r exactly (or within 1e-9 when floats)         |
 *
 * Symbols of a derivative other than its variables are parameters: the answer is an
 * expression in them, and the checks give them fixed values.
 *
 * Verification never calls the function that produced the answer: values are checked
 * with floats, derivatives with finite differences, integrals with quadrature and
 * numerical differentiation, solutions by substitution.
 */
import type { Expr } from "../domain/Expr.js"
import { float, freeSymbols, op, substitute } from "../domain/Expr.js"
import { Either } from "effect"
import { parse, print } from "../domain/Polish.js"
import type { Answer, EngineKernel, Problem, Verdict } from "../services/CurriculumLevel.js"

/** Thrown by an answer step for a problem the Engine cannot answer as the level needs (e.g. two solutions). */
export class AnswerError extends Error {
  override readonly name = "AnswerError"
}

export const envOf = (bindings: Problem["bindings"]): Record<string, number> => {
  const env: Record<string, number> = {}
  if (bindings !== undefined) for (const [k, v] of bindings) env[k] = v
  return env
}

const variableOf = (e: Expr | undefined): string => {
  if (e === undefined || e._tag !== "Symbol") throw new AnswerError("the variable of a calculus head must be a symbol")
  return e.name
}

/** A JSON-safe float for an exact number Expr; throws when it does not fit a double. */
export const numberOf = (e: Expr, engine: EngineKernel): number => {
  const v = e._tag === "Integer" ? Number(e.value) : e._tag === "Float" ? e.value : engine.evalFloat(e)
  if (!Number.isFinite(v)) throw new AnswerError(`the result ${print(e).slice(0, 60)} is not a finite double`)
  return v
}

const isNumberExpr = (e: Expr): boolean => e._tag === "Integer" || e._tag === "Rational" || e._tag === "Float"

const isCalculus = (e: Expr): e is Extract<Expr, { _tag: "Fn" }> =>
  e._tag === "Fn" && (e.fn === "derive" || e.fn === "integrate" || e.fn === "solve")

/**
 * The problem with every calculus head inside its root's arguments replaced by its
 * answer, innermost first (`(derive (derive f x) x)` → `(derive f' x)`): each inner step
 * is answered and verified on its own like any problem, and a failed verification is an
 * AnswerError naming it.
 */
export const reduceInner = (problem: Problem, engine: EngineKernel): Problem => {
  const reduce = (e: Expr, root: boolean): Expr => {
    if (e._tag !== "Op" && e._tag !== "Fn") return e
    const args = e.args.map((a) => reduce(a, false))
    const node: Expr = args.every((a, i) => a === e.args[i]) ? e : e._tag === "Op" ? { ...e, args } : { ...e, args }
    if (root || !isCalculus(node)) return node
    const inner: Problem = { input: node, bindings: problem.bindings }
    const answer = answerOfReduced(inner, engine)
    const bad = verifyReduced(inner, answer, engine)
    if (bad !== undefined) throw new AnswerError(`the inner ${print(node).slice(0, 60)} does not verify: ${bad}`)
    return answer.exact
  }
  const input = reduce(problem.input, true)
  return input === problem.input ? problem : { ...problem, input }
}

/** The Engine's answer, chosen by the input's head (inner calculus heads first). Throws EngineError or AnswerError. */
export const defaultAnswer = (problem: Problem, engine: EngineKernel): Answer => answerOfReduced(reduceInner(problem, engine), engine)

const answerOfReduced = (problem: Problem, engine: EngineKernel): Answer => {
  const input = problem.input
  if (input._tag === "Fn") {
    switch (input.fn) {
      case "derive": {
        const d = engine.derive(input.args[0] as Expr, variableOf(input.args[1]))
        return { result: null, symbolic: d, exact: d }
      }
      case "integrate": {
        const f = input.args[0] as Expr
        const v = variableOf(input.args[1])
        const F = engine.antiderivative(f, v)
        if (input.args.length === 2) return { result: null, symbolic: F, exact: F }
        const di = engine.definiteIntegral(f, v, input.args[2] as Expr, input.args[3] as Expr)
        if (!Number.isFinite(di.value)) throw new AnswerError("the definite integral is not finite")
        const exact = di.exact ?? float(di.value)
        return { result: isNumberExpr(exact) ? numberOf(exact, engine) : di.value, symbolic: F, exact }
      }
      case "solve": {
        const r = engine.solve(input.args[0] as Expr, variableOf(input.args[1]))
        if (r._tag !== "Solutions" || r.values.length === 0)
          throw new AnswerError(r._tag === "AllReals" ? "every real is a solution" : "no solution")
        const x = r.values[0] as Expr
        if (r.values.length > 1)
          // Several solutions: no single number; they go to the `solutions` field (a level may answer otherwise).
          return { result: null, symbolic: null, exact: x, extra: { solutions: r.values.map(print) } }
        const value = isNumberExpr(x) ? numberOf(x, engine) : engine.evalFloat(x, envOf(problem.bindings))
        if (!Number.isFinite(value)) throw new AnswerError("the solution is not a finite number")
        return { result: value, symbolic: null, exact: x }
      }
    }
  }
  const exact = engine.evaluate(input, problem.bindings)
  return { result: numberOf(exact, engine), symbolic: null, exact }
}

// ---- independent checks ---------------------------------------------------------

const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b))

/** Points where derivatives are compared: both signs, small and large, none at 0 or an integer. */
export const checkPoints: ReadonlyArray<number> = [
  0.35, 1.3, -0.45, 2.6, -1.15, 0.8, 1.9, -1.85, 3.3, -2.7, 0.05, 4.1, 0.6, -0.2, 1.55, 2.25, -3.4, 4.7,
  5.6, -5.3, 7.3, -7.9, 9.4, 11.6, -10.7, 14.3
]

/**
 * The derivative of x ↦ g(x) at x by central differences with Richardson extrapolation,
 * shrinking the step until two successive estimates agree to 1e-7; undefined when they
 * never do (g undefined nearby, or too oscillatory / ill-conditioned to difference).
 */
export const numericalDerivative = (
  g: (x: number) => number,
  x: number
): { readonly value: number; readonly error: number } | undefined => {
  const richardson = (h: number): number => {
    const d1 = (g(x + h) - g(x - h)) / (2 * h)
    const d2 = (g(x + h / 2) - g(x - h / 2)) / h
    return (4 * d2 - d1) / 3
  }
  let h = 1e-2 * Math.max(1, Math.abs(x))
  let prev = richardson(h)
  if (Number.isNaN(prev)) return undefined
  for (let k = 0; k < 8; k++) {
    h /= 4
    const cur = richardson(h)
    if (!Number.isFinite(cur)) return undefined
    const error = Math.abs(cur - prev)
    if (error <= 1e-7 * Math.max(1, Math.abs(cur))) return { value: cur, error }
    prev = cur
  }
  return undefined
}

/**
 * Checks that `d` is the derivative of `f` with respect to `v` numerically
 * (`numericalDerivative`) at the `checkPoints` (or inside [lo, hi] when given).
 * Points where f is undefined, huge or ill-conditioned are skipped; at least `need`
 * points must agree (1e-6 relative) and none may disagree.
 */
export const checkDerivative = (
  engine: EngineKernel,
  f: Expr,
  d: Expr,
  v: string,
  env: Record<string, number>,
  options: { readonly need?: number; readonly range?: readonly [number, number] } = {}
): Verdict => {
  const need = options.need ?? 3
  const at = (e: Expr, x: number): number => {
    env[v] = x
    return engine.evalFloat(e, env)
  }
  const g = (x: number) => at(f, x)
  const points = options.range === undefined ? checkPoints : interiorPoints(options.range[0], options.range[1])
  let agreed = 0
  for (const x of points) {
    const fx = g(x)
    if (Number.isNaN(fx) || Math.abs(fx) > 1e12) continue
    const est = numericalDerivative(g, x)
    if (est === undefined) continue
    const s = at(d, x)
    if (Number.isNaN(s) || Math.abs(s - est.value) > 1e-6 * Math.max(1, Math.abs(est.value)) + 10 * est.error) {
      delete env[v]
      return `at ${v} = ${x} the derivative is ${s} but f changes at ${est.value}`
    }
    if (++agreed >= need + 1) break
  }
  delete env[v]
  return agreed >= need ? undefined : `only ${agreed} point${agreed === 1 ? "" : "s"} where the derivative could be checked`
}

const interiorPoints = (lo: number, hi: number): Array<number> => {
  const out: Array<number> = []
  const fractions = [0.137, 0.291, 0.433, 0.571, 0.719, 0.853, 0.067, 0.947, 0.379, 0.661]
  for (const t of fractions) out.push(lo + (hi - lo) * t)
  return out
}

const boundValue = (e: Expr | undefined, engine: EngineKernel, env: Record<string, number>): number =>
  e === undefined ? NaN : engine.evalFloat(e, env)

/** Substitutes x for v in lhs − rhs: exactly 0 (or, with floats, lhs = rhs within 1e-9). */
const checkSolution = (eq: Extract<Expr, { _tag: "Fn" }>, v: string, x: Expr, approx: number | null, problem: Problem, engine: EngineKernel): Verdict => {
  const g = op("-", eq.args[0] as Expr, eq.args[1] as Expr)
  try {
    const residual = engine.evaluate(substitute(g, v, x), problem.bindings)
    if (residual._tag === "Integer" || residual._tag === "Rational")
      return residual._tag === "Integer" && residual.value === 0n ? undefined : `substituting ${print(x)} leaves ${print(residual)}`
  } catch {
    // fall through to the float check
  }
  const env = envOf(problem.bindings)
  env[v] = approx ?? engine.evalFloat(x, env)
  const l = engine.evalFloat(eq.args[0] as Expr, env)
  const r = engine.evalFloat(eq.args[1] as Expr, env)
  return close(l, r, 1e-9) ? undefined : `substituting ${print(x)} gives ${l} = ${r}`
}

/**
 * The independent verification of an answer, chosen by the input's head (see the table
 * above); inner calculus heads are answered and verified first (`reduceInner`).
 */
export const defaultVerify = (problem: Problem, answer: Answer, engine: EngineKernel): Verdict => {
  let reduced: Problem
  try {
    reduced = reduceInner(problem, engine)
  } catch (e) {
    return (e as Error).message
  }
  return verifyReduced(reduced, answer, engine)
}

/**
 * Values for the symbols of a calculus problem that are neither bound nor its variable
 * (constants along it, `a` in `(derive (* a x) x)`): fixed generic values, so that the
 * numerical checks can evaluate f and the answer.
 */
const CONSTANT_VALUES = [0.731, 1.377, -0.853, 2.119, -1.613, 0.417]
const withConstants = (env: Record<string, number>, input: Expr): Record<string, number> => {
  if (input._tag !== "Fn" || (input.fn !== "derive" && input.fn !== "integrate")) return env
  const v = input.args[1]
  let i = 0
  for (const name of freeSymbols(input))
    if (!(name in env) && !(v?._tag === "Symbol" && v.name === name)) env[name] = CONSTANT_VALUES[i++ % CONSTANT_VALUES.length] as number
  return env
}

const verifyReduced = (problem: Problem, answer: Answer, engine: EngineKernel): Verdict => {
  const input = problem.input
  const env = withConstants(envOf(problem.bindings), input)
  if (input._tag === "Fn" && input.fn === "derive") {
    if (answer.symbolic === null) return "a derivative needs expected_symbolic"
    return checkDerivative(engine, input.args[0] as Expr, answer.symbolic, variableOf(input.args[1]), env)
  }
  if (input._tag === "Fn" && input.fn === "integrate") {
    const f = input.args[0] as Expr
    const v = variableOf(input.args[1])
    const F = answer.symbolic
    if (F === null) return "an integral needs its antiderivative as expected_symbolic"
    if (input.args.length === 2) {
      const bad = checkDerivative(engine, F, f, v, env)
      return bad === undefined ? undefined : `the antiderivative does not differentiate back: ${bad}`
    }
    const a = boundValue(input.args[2], engine, env)
    const b = boundValue(input.args[3], engine, env)
    if (!Number.isFinite(a) || !Number.isFinite(b)) return "the bounds are not finite numbers"
    if (answer.result === null) return "a definite integral needs expected_result"
    const lo = Math.min(a, b)
    const hi = Math.max(a, b)
    const bad = checkDerivative(engine, F, f, v, { ...env }, hi - lo > 1e-6 ? { range: [lo, hi] } : {})
    if (bad !== undefined) return `the antiderivative does not differentiate back: ${bad}`
    let q: number
    try {
      q = engine.quadrature((x) => {
        env[v] = x
        return engine.evalFloat(f, env)
      }, a, b, 1e-9)
    } catch (e) {
      return `quadrature failed: ${(e as Error).message}`
    }
    if (!close(q, answer.result, 1e-7)) return `quadrature gives ${q}, expected_result is ${answer.result}`
    env[v] = b
    const Fb = engine.evalFloat(F, env)
    env[v] = a
    const Fa = engine.evalFloat(F, env)
    if (!close(Fb - Fa, answer.result, 1e-7)) return `F(b) − F(a) = ${Fb - Fa}, expected_result is ${answer.result}`
    return undefined
  }
  if (input._tag === "Fn" && input.fn === "solve") {
    const eq = input.args[0] as Expr
    const v = variableOf(input.args[1])
    if (eq._tag !== "Fn" || eq.fn !== "=" || eq.args.length !== 2) return "solve needs an equation (= lhs rhs)"
    const listed = answer.extra?.solutions
    let solutions: Array<Expr> = [answer.exact]
    if (Array.isArray(listed)) {
      solutions = []
      for (const s of listed) {
        const parsed = typeof s === "string" ? parse(s) : undefined
        if (parsed === undefined || Either.isLeft(parsed)) return `solutions: ${JSON.stringify(s)} is not a Polish expression`
        solutions.push(parsed.right)
      }
      if (solutions.length === 0) return "solutions is empty"
    }
    for (const x of solutions) {
      const bad = checkSolution(eq, v, x, listed === undefined ? answer.result : null, problem, engine)
      if (bad !== undefined) return bad
    }
    return undefined
  }
  // A value: the exact evaluation must agree with the float evaluation of the input.
  if (answer.result === null) return "a value needs expected_result"
  const f = engine.evalFloat(input, env)
  if (Number.isNaN(f)) return "the input is undefined in double precision"
  return close(f, answer.result, 1e-7) ? undefined : `float evaluation gives ${f}, expected_result is ${answer.result}`
}
