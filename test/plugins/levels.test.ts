/**
 * Level content matches SPEC §4: operators, ranges, depths per level, bindings for
 * every symbol from level 3 on, the whole equation at level 7. The checks here walk
 * the trees themselves (they do not trust the levels' own `conforms`, which is
 * checked to agree).
 */
import { assert, describe, it } from "@effect/vitest"
import type { Expr } from "../../src/domain/Expr.js"
import { depth, freeSymbols } from "../../src/domain/Expr.js"
import { print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { generateChunk, lineAt } from "../../src/layers/generator/chunk.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { affine } from "../../src/plugins/builtin/level7.js"
import { builtinLevels, level1, level2, level3, level4, level5, level6, level7 } from "../../src/plugins/builtin/index.js"
import type { CurriculumLevel, Problem } from "../../src/services/CurriculumLevel.js"

const N = 400

const draw = (level: CurriculumLevel, n = N, seed = 11): Array<Problem> => {
  const rng = Rng.seeded(seed, level.level)
  return Array.from({ length: n }, () => level.generate(rng))
}

const nodes = (e: Expr): Array<Expr> => {
  const out: Array<Expr> = []
  const stack = [e]
  while (stack.length > 0) {
    const x = stack.pop() as Expr
    out.push(x)
    if (x._tag === "Op" || x._tag === "Fn") stack.push(...x.args)
  }
  return out
}
const opsOf = (e: Expr) => new Set(nodes(e).flatMap((x) => (x._tag === "Op" ? [x.op] : x._tag === "Fn" ? [x.fn] : [])))
const intsOf = (e: Expr) => nodes(e).flatMap((x) => (x._tag === "Integer" ? [Number(x.value)] : []))
const isSubset = (a: Set<string>, b: ReadonlyArray<string>) => [...a].every((x) => b.includes(x))
const exponentsOf = (e: Expr) => nodes(e).flatMap((x) => (x._tag === "Op" && x.op === "^" ? [x.args[1] as Expr] : []))

describe("built-in levels (SPEC §4)", () => {
  it("are seven, numbered 1–7, with the SPEC's sample counts (510,000 in all)", () => {
    assert.deepStrictEqual(builtinLevels.map((l) => l.level), [1, 2, 3, 4, 5, 6, 7])
    assert.deepStrictEqual(builtinLevels.map((l) => l.samples), [10_000, 50_000, 50_000, 100_000, 100_000, 100_000, 100_000])
    assert.strictEqual(builtinLevels.reduce((s, l) => s + l.samples, 0), 510_000)
  })

  it("level 1: (op a b), op ∈ {+, −}, a, b ∈ [0, 99], no bindings", () => {
    const seenOps = new Set<string>()
    for (const p of draw(level1)) {
      const e = p.input
      assert.isTrue(e._tag === "Op" && (e.op === "+" || e.op === "-") && e.args.length === 2)
      seenOps.add((e as Extract<Expr, { _tag: "Op" }>).op)
      for (const a of (e as Extract<Expr, { _tag: "Op" }>).args) assert.isTrue(a._tag === "Integer" && a.value >= 0n && a.value <= 99n)
      assert.deepStrictEqual(p.bindings ?? [], [])
    }
    assert.deepStrictEqual([...seenOps].sort(), ["+", "-"])
  })

  it("level 2: + − × ÷ trees of depth 2–3, integer leaves in [1, 20], never a zero divisor", () => {
    const depths = new Set<number>()
    for (const p of draw(level2)) {
      depths.add(depth(p.input))
      assert.isTrue(depth(p.input) >= 2 && depth(p.input) <= 3)
      assert.isTrue(isSubset(opsOf(p.input), ["+", "-", "*", "/"]))
      for (const k of intsOf(p.input)) assert.isTrue(k >= 1 && k <= 20)
      assert.strictEqual(freeSymbols(p.input).length, 0)
      for (const x of nodes(p.input))
        if (x._tag === "Op" && x.op === "/") assert.notStrictEqual(engineKernel.evalFloat(x.args[1] as Expr), 0)
    }
    assert.deepStrictEqual([...depths].sort(), [2, 3])
  })

  it("level 3: + − × ÷ ^ of depth ≤ 3 over [1, 10] and x, y, z; a binding in [−10, 10] for every symbol; exponents in [0, 3]", () => {
    for (const p of draw(level3)) {
      assert.isTrue(depth(p.input) >= 1 && depth(p.input) <= 3)
      assert.isTrue(isSubset(opsOf(p.input), ["+", "-", "*", "/", "^"]))
      const symbols = freeSymbols(p.input)
      assert.isAbove(symbols.length, 0)
      assert.isTrue(symbols.every((s) => ["x", "y", "z"].includes(s)))
      assert.deepStrictEqual((p.bindings ?? []).map(([n]) => n), symbols)
      for (const [, v] of p.bindings ?? []) assert.isTrue(Number.isInteger(v) && v >= -10 && v <= 10)
      for (const ex of exponentsOf(p.input)) assert.isTrue(ex._tag === "Integer" && ex.value >= 0n && ex.value <= 3n)
      const leaves = nodes(p.input).filter((x) => x._tag === "Integer" && !exponentsOf(p.input).includes(x))
      for (const l of leaves) assert.isTrue(l._tag === "Integer" && l.value >= 1n && l.value <= 10n)
    }
  })

  it("level 4: level 3 plus sin cos tan ln exp sqrt log, at least one function, arguments inside the domain", () => {
    const fns = new Set<string>()
    for (const p of draw(level4)) {
      const ops = opsOf(p.input)
      assert.isTrue(isSubset(ops, ["+", "-", "*", "/", "^", "sin", "cos", "tan", "ln", "exp", "sqrt", "log"]))
      assert.isTrue([...ops].some((o) => /[a-z]/.test(o)))
      for (const o of ops) if (/[a-z]/.test(o)) fns.add(o)
      const env = Object.fromEntries(p.bindings ?? [])
      assert.deepStrictEqual((p.bindings ?? []).map(([n]) => n), freeSymbols(p.input))
      // Every function argument is inside its domain: the whole input evaluates.
      assert.isFalse(Number.isNaN(engineKernel.evalFloat(p.input, env)), `${print(p.input)} ${JSON.stringify(p.bindings)}`)
    }
    assert.deepStrictEqual([...fns].sort(), ["cos", "exp", "ln", "log", "sin", "sqrt", "tan"])
  })

  it("level 4 (extension): some internal nodes are negations (- t), which no level 1–3 input has", () => {
    const negations = (e: Expr) => nodes(e).filter((x) => x._tag === "Op" && x.op === "-" && x.args.length === 1).length
    const count = draw(level4).reduce((n, p) => n + negations(p.input), 0)
    // 0.08 of the internal nodes: between 15 and 150 in 400 trees of height ≤ 3.
    assert.isAbove(count, 15)
    assert.isBelow(count, 150)
    for (const l of [level1, level2, level3]) assert.strictEqual(draw(l).reduce((n, p) => n + negations(p.input), 0), 0, `level ${l.level}`)
    // A level without negation refuses one; level 4 accepts one.
    const negated = { input: { _tag: "Op", op: "-", args: [{ _tag: "Fn", fn: "sin", args: [{ _tag: "Symbol", name: "x" }] }] } as Expr, bindings: [["x", 2]] as const }
    assert.isUndefined(level4.conforms?.(negated))
    assert.match(String(level3.conforms?.({ input: { _tag: "Op", op: "-", args: [{ _tag: "Integer", value: 3n }, { _tag: "Op", op: "-", args: [{ _tag: "Symbol", name: "x" }] }] } as Expr, bindings: [["x", 2]] })), /with 1 arguments/)
  })

  it("level 5: (derive f x), f of depth ≤ 4 over x and [1, 9] with + − × ÷ ^ sin cos exp ln, containing x", () => {
    for (const p of draw(level5)) {
      const e = p.input
      assert.isTrue(e._tag === "Fn" && e.fn === "derive")
      const [f, v] = (e as Extract<Expr, { _tag: "Fn" }>).args as [Expr, Expr]
      assert.deepStrictEqual(v, { _tag: "Symbol", name: "x" })
      assert.isAtMost(depth(f), 4)
      assert.deepStrictEqual(freeSymbols(f), ["x"])
      assert.isTrue(isSubset(opsOf(f), ["+", "-", "*", "/", "^", "sin", "cos", "exp", "ln"]))
      for (const k of intsOf(f)) assert.isTrue(k >= 1 && k <= 9)
      assert.deepStrictEqual(p.bindings ?? [], [])
    }
  })

  it("level 6: (integrate f x a b), integer a < b in [−5, 5], 1/x only on a positive range", () => {
    for (const p of draw(level6)) {
      const e = p.input as Extract<Expr, { _tag: "Fn" }>
      assert.isTrue(e._tag === "Fn" && e.fn === "integrate" && e.args.length === 4)
      const [f, , a, b] = e.args as [Expr, Expr, Expr, Expr]
      assert.isTrue(a._tag === "Integer" && b._tag === "Integer")
      const lo = Number((a as Extract<Expr, { _tag: "Integer" }>).value)
      const hi = Number((b as Extract<Expr, { _tag: "Integer" }>).value)
      assert.isTrue(-5 <= lo && lo < hi && hi <= 5)
      const hasReciprocal = nodes(f).some((x) => x._tag === "Op" && x.op === "/")
      if (hasReciprocal) assert.isAtLeast(lo, 1)
      assert.isTrue(isSubset(opsOf(f), ["+", "-", "*", "/", "^", "sin", "cos", "exp"]))
      for (const ex of exponentsOf(f)) assert.isTrue(ex._tag === "Integer" && ex.value <= 4n)
    }
  })

  it("level 7: (solve (= lhs rhs) x) with the whole equation, linear, one solution; x on both sides sometimes", () => {
    let both = 0
    for (const p of draw(level7)) {
      const e = p.input as Extract<Expr, { _tag: "Fn" }>
      assert.isTrue(e._tag === "Fn" && e.fn === "solve")
      const eq = e.args[0] as Extract<Expr, { _tag: "Fn" }>
      assert.isTrue(eq._tag === "Fn" && eq.fn === "=" && eq.args.length === 2)
      const l = affine(eq.args[0] as Expr, "x")
      const r = affine(eq.args[1] as Expr, "x")
      assert.isDefined(l)
      assert.isDefined(r)
      assert.notStrictEqual(Number(l![0].n) / Number(l![0].d), Number(r![0].n) / Number(r![0].d))
      if (freeSymbols(eq.args[0] as Expr).length > 0 && freeSymbols(eq.args[1] as Expr).length > 0) both++
      assert.isArray(p.extra?.lhs_affine)
      assert.isArray(p.extra?.rhs_affine)
    }
    assert.isAbove(both, N / 5)
  })

  it("every level's own `conforms` accepts what it generates and rejects other levels' inputs", () => {
    for (const l of builtinLevels) {
      for (const p of draw(l, 200, 3)) assert.isUndefined(l.conforms?.(p), `level ${l.level}`)
      const other = builtinLevels.find((o) => o.level === (l.level % 7) + 1) as CurriculumLevel
      const rejected = draw(other, 50, 4).filter((p) => l.conforms?.(p) !== undefined).length
      assert.isAbove(rejected, 40, `level ${l.level} rejects level ${other.level} inputs`)
    }
  })

  it("generated lines: answers from the Engine, verified; bindings for every symbol at level 3+; level 6 has both outputs", () => {
    for (const l of builtinLevels) {
      const r = generateChunk(l, { _tag: "Chunk", module: undefined, builtin: false, level: l.level, seed: 5, chunk: 0, skip: "0".repeat(100), known: [], run: "test" }, engineKernel)
      const lines = r.offsets.map((_, i) => lineAt(r, i)).filter((s) => s !== "").map((s) => JSON.parse(s) as Record<string, unknown>)
      assert.isAbove(lines.length, 240, `level ${l.level}: few verified candidates`)
      for (const line of lines) {
        assert.strictEqual(line.level, l.level)
        if (l.level === 5) assert.isTrue(line.expected_result === null && line.expected_symbolic !== null)
        else if (l.level === 6) assert.isTrue(typeof line.expected_result === "number" && line.expected_symbolic !== null)
        else assert.isTrue(typeof line.expected_result === "number" && line.expected_symbolic === null)
        if (l.level === 3 || l.level === 4) {
          const bound = (line.bindings as Array<[string, number]>).map(([n]) => n)
          const symbols = [...(line.input_polish as string).matchAll(/\b([xyz])\b/g)].map((m) => m[1])
          for (const s of symbols) assert.include(bound, s)
        }
        if (l.level === 7) assert.match(line.input_polish as string, /^\(solve \(= .+\) x\)$/)
      }
    }
  })
})
