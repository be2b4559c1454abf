/**
 * Builds data/probes/: held-out probes of skills one step outside the generator's surface
 * forms, one file per group, every line answered by the Engine and verified like
 * generated data (a line that does not verify stops the build):
 *
 *   renamed_level3 / 5 / 6 / 7   level problems with their symbols renamed consistently to
 *                                names the generator never writes (one letter or several)
 *   free_symbols                 derivatives of polynomials in several symbols, along one
 *   higher_derivatives           second and third derivatives (nested `derive`)
 *   integrate_derive             a definite integral of a derivative
 *   multi_letter                 levels 3, 5, 7 with multi-letter names and shuffled bindings
 *
 *   npx tsx data/probes/build.ts            # rewrite the files
 *   npx tsx data/probes/build.ts --check    # exit 1 when a file is out of date
 *
 * Grade a model on them with `grapheme validate --model checkpoints/final.bin --data data/probes/`.
 *
 * It also writes data/untaught/: shapes and functions no level teaches (products to
 * integrate by parts, non-linear equations, pi and e, abs/floor/ceil, calculus of
 * tan/sqrt/log), where the brain should answer only what its own check confirms.
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import type { Expr } from "../../src/domain/Expr.js"
import { fn, int, op, sym } from "../../src/domain/Expr.js"
import { print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { lineOf, solveAndVerify } from "../../src/layers/generator/chunk.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { affine, fracNumber } from "../../src/plugins/builtin/level7.js"
import type { CurriculumLevel, Problem } from "../../src/services/CurriculumLevel.js"
import { builtinRegistry } from "../../src/plugins/registry.js"

const PER_GROUP = 200
export const DIR = fileURLToPath(new URL("./", import.meta.url))

/** Names the generator never writes: single letters it does not use, and longer identifiers. */
const SINGLE = ["t", "k", "s", "m", "q", "r", "u", "w", "p", "g", "h", "j", "n", "o", "A", "B", "Q", "Z"]
const LONG = ["rate", "theta", "x1", "y_2", "speed", "alpha", "mass", "T0", "dist", "omega", "k9", "temp", "Var", "n_a", "beta"]

const symbolsOf = (e: Expr, into: Array<string> = []): Array<string> => {
  if (e._tag === "Symbol") {
    if (!into.includes(e.name)) into.push(e.name)
  } else if (e._tag === "Op" || e._tag === "Fn") for (const a of e.args) symbolsOf(a, into)
  return into
}

const rename = (e: Expr, names: ReadonlyMap<string, string>): Expr =>
  e._tag === "Symbol"
    ? sym(names.get(e.name) ?? e.name)
    : e._tag === "Op"
      ? op(e.op, ...e.args.map((a) => rename(a, names)))
      : e._tag === "Fn"
        ? fn(e.fn, ...e.args.map((a) => rename(a, names)))
        : e

/** A consistent renaming of the problem's symbols to distinct names from `pool`. */
const renamed = (p: Problem, pool: ReadonlyArray<string>, rng: Rng, shuffleBindings: boolean): Problem => {
  const fresh = rng.shuffle([...pool])
  const names = new Map(symbolsOf(p.input).map((name, i) => [name, fresh[i] as string]))
  const bindings = (p.bindings ?? []).map(([name, v]) => [names.get(name) ?? name, v] as const)
  return { input: rename(p.input, names), bindings: shuffleBindings ? rng.shuffle(bindings) : bindings }
}

/** The equation's per-side affine fields (level 7 lines carry them), along its own variable. */
const withSides = (p: Problem): Problem => {
  const e = p.input
  if (e._tag !== "Fn" || e.fn !== "solve") return p
  const eq = e.args[0] as Extract<Expr, { _tag: "Fn" }>
  const variable = (e.args[1] as Extract<Expr, { _tag: "Symbol" }>).name
  const l = affine(eq.args[0] as Expr, variable)
  const r = affine(eq.args[1] as Expr, variable)
  if (l === undefined || r === undefined) return p
  return { ...p, extra: { lhs_affine: [fracNumber(l[0]), fracNumber(l[1])], rhs_affine: [fracNumber(r[0]), fracNumber(r[1])] } }
}

const level = (n: number): CurriculumLevel => {
  const l = builtinRegistry.get(n)
  if (l === undefined) throw new Error(`no level ${n}`)
  return l
}

/** A random polynomial term c · Π vᵢ^kᵢ over some of `vars` (the first always present). */
const monomial = (rng: Rng, vars: ReadonlyArray<string>): Expr => {
  const c = rng.int(1, 9) * (rng.uniform(0, 1) < 0.3 ? -1 : 1)
  const factors: Array<Expr> = [int(c)]
  vars.forEach((v, i) => {
    if (i > 0 && rng.uniform(0, 1) < 0.3) return
    const k = rng.int(1, 4)
    factors.push(k === 1 ? sym(v) : op("^", sym(v), int(k)))
  })
  return factors.reduce((acc, f) => op("*", acc, f))
}

const polynomial = (rng: Rng, vars: ReadonlyArray<string>): Expr => {
  const terms = Array.from({ length: rng.int(1, 3) }, () => monomial(rng, rng.shuffle([...vars])))
  return terms.reduce((acc, t) => op(rng.uniform(0, 1) < 0.5 ? "+" : "-", acc, t))
}

interface Group {
  readonly name: string
  readonly level: number
  /** Lines in the group (PER_GROUP when absent: fewer where there are fewer distinct inputs). */
  readonly count?: number
  readonly draw: (rng: Rng) => Problem
}

const renamedGroup = (n: number): Group => ({
  name: `renamed_level${n}`,
  level: n,
  draw: (rng) => withSides(renamed(level(n).generate(rng), rng.uniform(0, 1) < 0.7 ? SINGLE : LONG, rng, true))
})

/** f of a level-5 problem, over its own variable. */
const derivand = (rng: Rng): { readonly f: Expr; readonly v: string } => {
  const p = level(5).generate(rng).input as Extract<Expr, { _tag: "Fn" }>
  return { f: p.args[0] as Expr, v: (p.args[1] as Extract<Expr, { _tag: "Symbol" }>).name }
}

export const groups: ReadonlyArray<Group> = [
  renamedGroup(3),
  renamedGroup(5),
  renamedGroup(6),
  renamedGroup(7),
  {
    name: "free_symbols",
    level: 5,
    draw: (rng) => {
      const vars = rng.shuffle([...SINGLE, "a", "b", "c", "x", "y"]).slice(0, rng.int(2, 3))
      const along = vars[rng.int(0, vars.length - 1)] as string
      let f = polynomial(rng, vars)
      // several symbols in f, the variable among them
      while (symbolsOf(f).length < 2 || !symbolsOf(f).includes(along)) f = polynomial(rng, vars)
      return { input: fn("derive", f, sym(along)) }
    }
  },
  {
    name: "higher_derivatives",
    level: 5,
    draw: (rng) => {
      const useLevel5 = rng.uniform(0, 1) < 0.5
      const { f, v } = useLevel5 ? derivand(rng) : { f: polynomial(rng, ["x"]), v: "x" }
      let e = f
      for (let i = rng.int(2, 3); i > 0; i--) e = fn("derive", e, sym(v))
      return { input: e }
    }
  },
  {
    name: "integrate_derive",
    level: 6,
    draw: (rng) => {
      const { f, v } = rng.uniform(0, 1) < 0.5 ? derivand(rng) : { f: polynomial(rng, ["x"]), v: "x" }
      const a = rng.int(0, 3)
      return { input: fn("integrate", fn("derive", f, sym(v)), sym(v), int(a), int(a + rng.int(1, 3))) }
    }
  },
  {
    name: "multi_letter",
    level: 3,
    draw: (rng) => {
      const n = [3, 5, 7][rng.int(0, 2)] as number
      return withSides(renamed(level(n).generate(rng), LONG, rng, true))
    }
  }
]

/** A small nonzero integer coefficient. */
const coefficient = (rng: Rng): number => rng.int(1, 5) * (rng.uniform(0, 1) < 0.3 ? -1 : 1)
const pick = <A>(rng: Rng, items: ReadonlyArray<A>): A => items[rng.int(0, items.length - 1)] as A
const definite = (rng: Rng, f: Expr): Expr => {
  const a = rng.int(0, 2)
  return fn("integrate", f, sym("x"), int(a), int(a + rng.int(1, 2)))
}

/**
 * Shapes and functions the curriculum does not teach (data/untaught/): what the brain
 * should not answer unless its answer is right (its own check, docs/brain.md).
 */
export const untaughtGroups: ReadonlyArray<Group> = [
  {
    name: "by_parts",
    level: 6,
    draw: (rng) => {
      const x = sym("x")
      const g = pick(rng, [fn("exp", x), fn("sin", x), fn("cos", x), fn("ln", x), fn("exp", op("*", int(coefficient(rng)), x))])
      const power = rng.int(1, 2)
      return { input: definite(rng, op("*", int(coefficient(rng)), power === 1 ? x : op("^", x, int(power)), g)) }
    }
  },
  {
    name: "products_of_functions",
    level: 6,
    draw: (rng) => {
      const x = sym("x")
      const inner = () => op("*", int(rng.int(1, 3)), x)
      const f = () => pick(rng, [fn("sin", inner()), fn("cos", inner()), fn("exp", inner())])
      return { input: definite(rng, op("*", f(), f())) }
    }
  },
  {
    name: "nonlinear_equations",
    level: 7,
    draw: (rng) => {
      const x = sym("x")
      const c = int(rng.int(2, 12))
      const d = int(rng.int(1, 6))
      const lhs = pick(rng, [op("/", c, x), op("/", c, op("+", x, d)), op("^", x, int(3)), fn("exp", x), fn("ln", x), op("*", x, op("+", x, d))])
      return { input: fn("solve", fn("=", lhs, int(rng.int(1, 9))), x) }
    }
  },
  {
    name: "constants",
    level: 4,
    count: 40,
    draw: (rng) => {
      const k = pick(rng, [sym("pi"), sym("e")])
      const c = int(rng.int(1, 6))
      return { input: pick(rng, [op("*", c, k), op("+", k, c), fn("ln", op("*", c, sym("e"))), fn("sin", op("/", sym("pi"), c)), fn("cos", op("*", c, sym("pi"))), op("^", sym("e"), c)]) }
    }
  },
  {
    name: "unused_functions",
    level: 4,
    draw: (rng) => {
      const v = op("/", int(rng.int(-40, 40)), int(rng.int(1, 7)))
      return { input: pick(rng, [fn("abs", v), fn("floor", v), fn("ceil", v), op("+", fn("abs", v), int(rng.int(1, 9))), op("*", int(rng.int(2, 5)), fn("floor", v))]) }
    }
  },
  {
    name: "untaught_calculus",
    level: 5,
    draw: (rng) => {
      const x = sym("x")
      const inner = rng.uniform(0, 1) < 0.5 ? x : op("*", int(rng.int(2, 4)), x)
      const g = pick(rng, [fn("tan", inner), fn("sqrt", inner), fn("log", inner)])
      const f = rng.uniform(0, 1) < 0.5 ? g : op("+", op("*", int(coefficient(rng)), g), op("*", int(coefficient(rng)), op("^", x, int(rng.int(1, 3)))))
      return rng.uniform(0, 1) < 0.5 ? { input: fn("derive", f, x) } : { input: fn("integrate", f, x, int(1), int(rng.int(2, 3))) }
    }
  }
]

/** Answered and verified by the Engine as generated data are (the level's own spec is not applied: these are probes). */
const answerOf = (g: Group, p: Problem) => {
  const generic: CurriculumLevel = { ...level(g.level), verify: undefined, answer: undefined }
  return solveAndVerify(generic, p, engineKernel)
}

export const buildGroup = (g: Group): Array<string> => {
  const rng = Rng.seeded(2026, g.name.length * 131 + g.level)
  const seen = new Set<string>()
  const lines: Array<string> = []
  const wanted = g.count ?? PER_GROUP
  for (let tries = 0; lines.length < wanted; tries++) {
    if (tries > wanted * 50) throw new Error(`${g.name}: only ${lines.length} probes verified`)
    const p = g.draw(rng)
    const polish = print(p.input)
    const key = `${polish} ${JSON.stringify(p.bindings ?? [])}`
    if (seen.has(key)) continue
    const r = answerOf(g, p)
    if ("rejection" in r) continue
    seen.add(key)
    lines.push(lineOf(g.level, `probe-${g.name}-${String(lines.length + 1).padStart(3, "0")}`, polish, { ...p, extra: { ...p.extra, probe: g.name } }, r.answer))
  }
  return lines
}

export const UNTAUGHT_DIR = fileURLToPath(new URL("../untaught/", import.meta.url))

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  let stale = false
  fs.mkdirSync(UNTAUGHT_DIR, { recursive: true })
  for (const [dir, g] of [...groups.map((g) => [DIR, g] as const), ...untaughtGroups.map((g) => [UNTAUGHT_DIR, g] as const)]) {
    const file = `${dir}${g.name}.jsonl`
    const text = `${buildGroup(g).join("\n")}\n`
    if (process.argv.includes("--check")) {
      if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
        console.error(`${file} is out of date: run npx tsx data/probes/build.ts`)
        stale = true
      }
    } else {
      fs.writeFileSync(file, text)
      console.log(`wrote ${text.split("\n").length - 1} probes to ${file}`)
    }
  }
  if (stale) process.exit(1)
}
