/**
 * A custom curriculum level: level 8, quadratic equations with two integer roots.
 *
 *   input   (solve (= (+ (^ x 2) (* -5 x) 6) 0) x)      — sometimes with a constant moved right
 *   output  expected_symbolic (* (- x 2) (- x 3))       — both roots in one expression (the monic factorisation)
 *           extra `solutions`: ["2", "3"], `roots`: [2, 3]
 *
 * The level is a value (SPEC §9). It flows through `grapheme generate`/`validate`
 * like a built-in, in two ways:
 *
 * 1. from train_config.toml:   [curriculum]
 *                              plugins = ["./examples/custom-level.ts"]
 *    then `npx grapheme generate --level 8 --samples 1000` and `npx grapheme validate --input data/generated`;
 * 2. from a research script, as a Layer — run this file: `npx tsx examples/custom-level.ts`.
 *
 * `module: import.meta.url` lets the generator's worker threads import the level.
 */
import { pathToFileURL } from "node:url"
import type { Expr } from "../src/domain/Expr.js"
import { fn, int, op, sym } from "../src/domain/Expr.js"
import type { CurriculumLevel, Problem } from "../src/services/CurriculumLevel.js"

// Only light imports at the top: worker threads import this module for the level alone.
// The research script below loads the Effect stack when it runs.

const x = sym("x")

/** c·x written without a unit coefficient; undefined when c = 0. */
const times = (c: number, e: Expr): Expr | undefined => (c === 0 ? undefined : c === 1 ? e : op("*", int(c), e))

/** a·x² + b·x + c, leaving out zero terms. */
const quadratic = (a: number, b: number, c: number): Expr => {
  const terms = [times(a, op("^", x, int(2))), times(b, x), c === 0 ? undefined : int(c)].filter((t): t is Expr => t !== undefined)
  return terms.length === 1 ? (terms[0] as Expr) : op("+", ...terms)
}

/** An exact number in Polish (the solver's roots are integers or rationals). */
const polish = (e: Expr): string =>
  e._tag === "Integer" ? e.value.toString() : e._tag === "Rational" ? `${e.num}/${e.den}` : e._tag === "Float" ? String(e.value) : "?"

const rootsOf = (p: Problem): readonly [number, number] => {
  const roots = p.extra?.roots
  if (!Array.isArray(roots) || roots.length !== 2) throw new Error("level 8 problems carry their roots")
  return [roots[0] as number, roots[1] as number]
}

const factored = (r1: number, r2: number): Expr => op("*", op("-", x, int(r1)), op("-", x, int(r2)))

export const quadraticLevel: CurriculumLevel = {
  level: 8,
  name: "quadratic equations",
  skill: "(solve (= (+ (* a (^ x 2)) (* b x) c) k) x), a in [1, 3], two distinct integer roots in [-9, 9]; output both roots",
  samples: 5_000,
  output: "expression",
  module: import.meta.url,
  generate: (rng) => {
    const r1 = rng.int(-9, 8)
    const r2 = rng.int(r1 + 1, 9)
    const a = rng.int(1, 3)
    // a·(x − r1)(x − r2) = k, written a·x² + b·x + c = k.
    const k = rng.bool(0.4) ? 0 : rng.int(-20, 20)
    const lhs = quadratic(a, -a * (r1 + r2), a * r1 * r2 + k)
    return { input: fn("solve", fn("=", lhs, int(k)), x), extra: { roots: [r1, r2] } }
  },
  // The Engine solves; the answer is the factorisation, and the roots as Polish.
  answer: (p, engine) => {
    const r = engine.solve((p.input as Extract<Expr, { _tag: "Fn" }>).args[0] as Expr, "x")
    if (r._tag !== "Solutions" || r.values.length !== 2) throw new Error(`expected two roots, the Engine finds ${r._tag}`)
    const [a, b] = r.values.map((v) => engine.evalFloat(v)).sort((u, v) => u - v) as [number, number]
    return { result: null, symbolic: factored(a, b), exact: factored(a, b), extra: { solutions: r.values.map(polish) } }
  },
  // Independently of the solver: lhs − rhs is a constant multiple of the factorisation, and the drawn roots are its roots.
  verify: (p, answer, engine) => {
    const eq = (p.input as Extract<Expr, { _tag: "Fn" }>).args[0] as Extract<Expr, { _tag: "Fn" }>
    if (answer.symbolic === null) return "no factorisation"
    const g = (t: number) => engine.evalFloat(eq.args[0] as Expr, { x: t }) - engine.evalFloat(eq.args[1] as Expr, { x: t })
    const scale = g(100.5) / engine.evalFloat(answer.symbolic, { x: 100.5 })
    for (const t of [-7.5, -1.25, 0.5, 3.75, 11]) {
      const f = scale * engine.evalFloat(answer.symbolic, { x: t })
      if (Math.abs(g(t) - f) > 1e-9 * Math.max(1, Math.abs(f))) return `the factorisation is not proportional to lhs − rhs at x = ${t}`
    }
    const [r1, r2] = rootsOf(p)
    for (const r of [r1, r2]) if (engine.evalFloat(answer.symbolic, { x: r }) !== 0) return `${r} is not a root`
    return undefined
  },
  conforms: (p) => {
    const e = p.input
    return e._tag === "Fn" && e.fn === "solve" && (p.bindings ?? []).length === 0 ? undefined : "not (solve (= quadratic k) x)"
  }
}

export default quadraticLevel

// ---- as a research script: the level as a Layer, through generate and validate ----------

const main = async () => {
  const [{ Console, Effect, Layer }, NodeFileSystem, os, path, { layerWith }, format, { layer }, { Generator }] = await Promise.all([
    import("effect"),
    import("@effect/platform-node/NodeFileSystem"),
    import("node:os"),
    import("node:path"),
    import("../src/layers/CurriculumLive.js"),
    import("../src/layers/generator/format.js"),
    import("../src/layers/generator/GeneratorLive.js"),
    import("../src/services/Generator.js")
  ])
  const program = Effect.gen(function* () {
    const generator = yield* Generator
    const output = path.join(os.tmpdir(), "grapheme-custom-level")
    const summary = yield* generator.generate({ levels: [8], samples: 500, output, seed: 7 })
    yield* Console.log(format.formatGenerateSummary(summary))
    const report = yield* generator.validate({ input: output })
    yield* Console.log(format.formatValidationReport(report))
  })
  // The built-ins plus level 8, generated on two worker threads.
  const layers = layer(2).pipe(Layer.provide(Layer.merge(layerWith(quadraticLevel), NodeFileSystem.layer)))
  await Effect.runPromise(program.pipe(Effect.provide(layers), Effect.scoped))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
