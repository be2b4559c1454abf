/**
 * The documented examples (docs/cli.md) against the live Engine, in-process, and the
 * real executable spawned (twice: each spawn costs a Node start-up plus tsx).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { EngineLive } from "../../src/layers/EngineLive.js"
import { runCli } from "./harness.js"

const live = (args: ReadonlyArray<string>, stdin?: string) =>
  runCli(args, stdin === undefined ? { engine: EngineLive } : { engine: EngineLive, stdin })

describe("docs/cli.md examples (EngineLive)", () => {
  const examples: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["eval", "(+ (* 2 3) 4)"], "10"],
    [["eval", "(+ x 3)", "--bind", "x=2"], "5"],
    [["eval", "(/ 1 3)"], "1/3 ≈ 0.3333333333"],
    [["eval", "(derive (^ x 2) x)"], "(* 2 x)"],
    [["eval", "(+ x y)", "--bind", "x=2"], "(+ y 2)"],
    [["simplify", "(+ x x)"], "(* 2 x)"],
    [["derive", "(^ x 2)", "x"], "(* 2 x)"],
    [["integrate", "(^ x 2)", "x", "0", "1"], "1/3 ≈ 0.3333333333"],
    [["solve", "(= (+ (* 2 x) 5) 13)", "x"], "4"],
    [["solve", "(= (^ x 2) 4)", "x"], "-2, 2"],
    [["solve", "(= (+ x 1) x)", "x"], "no solution"],
    [["solve", "(= (+ x x) (* 2 x))", "x"], "all real numbers"]
  ]
  for (const [args, expected] of examples)
    it.effect(`grapheme ${args.join(" ")}`, () =>
      Effect.gen(function* () {
        const r = yield* live(args)
        assert.deepStrictEqual(r, { stdout: `${expected}\n`, stderr: "", code: 0 })
      }))

  it.effect("integrate without bounds gives an antiderivative whose derivative is the integrand", () =>
    Effect.gen(function* () {
      const r = yield* live(["integrate", "(^ x 2)", "x"])
      assert.strictEqual(r.code, 0)
      const back = yield* live(["derive", r.stdout.trim(), "x"])
      const same = yield* live(["eval", `(- ${back.stdout.trim()} (^ x 2))`, "-b", "x=7"])
      assert.strictEqual(same.stdout, "0\n")
    }))

  it.effect("a 10,000-deep expression evaluates (no stack overflow)", () =>
    Effect.gen(function* () {
      let text = "1"
      for (let i = 0; i < 10_000; i++) text = `(+ ${text} 1)`
      const r = yield* live(["eval", text])
      assert.strictEqual(r.stdout, "10001\n")
      assert.strictEqual(r.code, 0)
    }))

  it.effect("a malformed expression: one line naming position and expectation, exit 1", () =>
    Effect.gen(function* () {
      const r = yield* live(["eval", "(+ (* 2 3) 4"])
      assert.deepStrictEqual(r, {
        stdout: "",
        stderr: "grapheme: parse error at position 12: expected \")\", found end of input\n",
        code: 1
      })
    }))

  it.effect("batch from standard input", () =>
    Effect.gen(function* () {
      const r = yield* live(["derive"], "(^ x 3)\n(sin\n(* 5 x)\n")
      assert.strictEqual(
        r.stdout,
        "(* 3 (^ x 2))\nerror: line 2: parse error at position 4: expected \")\", found end of input\n5\n"
      )
      assert.strictEqual(r.stderr, "grapheme: 1 of 3 lines failed (see the \"error: line N\" lines)\n")
      assert.strictEqual(r.code, 1)
    }))
})

describe("the executable", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url))
  const grapheme = (args: ReadonlyArray<string>, input?: string) =>
    spawnSync(process.execPath, ["bin/grapheme.js", ...args], {
      cwd: root,
      encoding: "utf8",
      input: input ?? "",
      env: { ...process.env, NO_COLOR: "1" }
    })

  it("node bin/grapheme.js eval \"(+ 1 2)\" prints 3 and exits 0", () => {
    const r = grapheme(["eval", "(+ 1 2)"])
    assert.strictEqual(r.stderr, "")
    assert.strictEqual(r.stdout, "3\n")
    assert.strictEqual(r.status, 0)
  })

  it("a piped batch with a bad line: results in order, one summary line on stderr, exit 1", () => {
    const r = grapheme(["eval"], "(+ 1 2)\n(+ 1\n(/ 1 4)\n")
    assert.strictEqual(
      r.stdout,
      "3\nerror: line 2: parse error at position 4: expected \")\", found end of input\n1/4 = 0.25\n"
    )
    assert.strictEqual(r.stderr, "grapheme: 1 of 3 lines failed (see the \"error: line N\" lines)\n")
    assert.strictEqual(r.status, 1)
  })
})
