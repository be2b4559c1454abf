/**
 * `grapheme ged` end to end through `run(argv)` (in-process, captured output).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runCli } from "./harness.js"

const ok = (args: ReadonlyArray<string>, stdout: string, stdin?: string) =>
  Effect.gen(function* () {
    const r = yield* runCli(args, stdin === undefined ? {} : { stdin })
    assert.deepStrictEqual(r, { stdout, stderr: "", code: 0 })
  })

const tempFile = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), "grapheme-ged-")), "pairs.tsv")
  writeFileSync(path, text)
  return path
}

describe("grapheme ged A B", () => {
  it.effect("prints 0 for equal expressions, and that it is exact", () => ok(["ged", "(+ 1 2)", "(+ 1 2)"], "0 (exact)\n"))

  it.effect("prints the graph edit distance under the [loss] costs", () =>
    Effect.gen(function* () {
      yield* ok(["ged", "(sin (cos x))", "(sin x)"], "2.5 (exact)\n") // delete cos and its 2 edges, insert 1 edge
      yield* ok(["ged", "(+ 1 2)", "(+ 2 1)"], "1 (exact)\n") // two edge relabels (argument positions)
      yield* ok(["ged", "(+ x 1)", "(* x 1)"], "1 (exact)\n") // one node relabel
      yield* ok(["ged", "2", "2.0005"], "0 (exact)\n") // numbers within 1e-3 relative
    }))

  it.effect("takes costs from --costs and the single-cost flags (which win)", () =>
    Effect.gen(function* () {
      yield* ok(["ged", "(sin (cos x))", "(sin x)", "--costs", "2,2,1,1"], "5 (exact)\n")
      yield* ok(["ged", "(sin (cos x))", "(sin x)", "--costs", "2,2,1,1", "--node-del", "0"], "2 (exact)\n") // relabel cos→x (1), delete x (0) and its edge (1)
      yield* ok(["ged", "x", "(- x)", "--node-ins", "3", "--edge-ins", "0.1"], "3.1 (exact)\n")
    }))

  it.effect("says when the distance is an upper bound (--exact-limit, large graphs)", () =>
    Effect.gen(function* () {
      yield* ok(["ged", "(sin (cos x))", "(sin x)", "--exact-limit", "2"], "2.5 (bound)\n")
      yield* ok(["ged", "(* x y z w v u t s r q p)", "(+ a b c d e f g h i j k)"], "12 (bound)\n")
      yield* ok(["ged", "(* x y z w v u t s r q p)", "(+ a b c d e f g h i j k)", "--exact-limit", "12"], "12 (exact)\n")
    }))

  it.effect("reports a bad expression in one line (exit 1) and a usage mistake with exit 2", () =>
    Effect.gen(function* () {
      const bad = yield* runCli(["ged", "(+ 1", "x"])
      assert.strictEqual(bad.code, 1)
      assert.strictEqual(bad.stdout, "")
      assert.strictEqual(bad.stderr, "grapheme: first expression: parse error at position 4: expected \")\", found end of input\n")
      const second = yield* runCli(["ged", "x", "(sin)"])
      assert.match(second.stderr, /^grapheme: second expression: parse error/)
      for (const args of [["ged", "x"], ["ged", "x", "y", "--costs", "1,1,1"], ["ged", "x", "y", "--edge-del", "-1"], ["ged", "x", "y", "--exact-limit", "-1"]]) {
        const r = yield* runCli(args)
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.strictEqual(r.stderr.split("\n").length, 2, r.stderr)
      }
    }))
})

describe("grapheme ged --file", () => {
  it.effect("prints DISTANCE<TAB>METHOD per pair, blank for blank lines and comments", () =>
    ok(
      ["ged", "--file", tempFile("(+ 1 2)\t(+ 1 2)\n\n# pairs\n(sin (cos x))\t(sin x)\n(* x y z w v u t s r q p)\t(+ a b c d e f g h i j k)\n")],
      "0\texact\n\n\n2.5\texact\n12\tbound\n"
    ))

  it.effect("reads pairs piped on standard input, with the same flags", () =>
    ok(["ged", "--costs", "2,2,1,1"], "2\texact\n5\texact\n", "x\ty\n(sin (cos x))\t(sin x)\n"))

  it.effect("a bad line prints an error line in its place, the rest go on, and the exit code is 1", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["ged", "--file", tempFile("x\tx\n(+ 1\tx\nx\nx\ty\tz\ny\tx\n")])
      assert.strictEqual(r.code, 1)
      assert.strictEqual(
        r.stdout,
        [
          "0\texact",
          "error: line 2: first expression: parse error at position 4: expected \")\", found end of input",
          "error: line 3: expected two expressions separated by a TAB",
          "error: line 4: expected two expressions separated by a TAB",
          "1\texact",
          ""
        ].join("\n")
      )
      assert.strictEqual(r.stderr, "grapheme: 3 of 5 lines failed (see the \"error: line N\" lines)\n")
    }))

  it.effect("a missing file is one error line", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["ged", "--file", "/nonexistent/pairs.tsv"])
      assert.strictEqual(r.code, 1)
      assert.strictEqual(r.stderr, "grapheme: cannot read \"/nonexistent/pairs.tsv\": no such file\n")
    }))
})
