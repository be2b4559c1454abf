/**
 * The engine commands end to end through `run(argv)` (in-process, captured output),
 * against the fake Engine of FakeEngine.ts.
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

const tempFile = (name: string, text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), "grapheme-cli-")), name)
  writeFileSync(path, text)
  return path
}

describe("grapheme eval", () => {
  it.effect("evaluates exactly", () => ok(["eval", "(+ (* 2 3) 4)"], "10\n"))
  it.effect("binds symbols with --bind (repeated or comma-separated)", () =>
    Effect.gen(function* () {
      yield* ok(["eval", "(+ x 3)", "--bind", "x=2"], "5\n")
      yield* ok(["eval", "(* x y)", "-b", "x=2", "-b", "y=1/3"], "2/3 ≈ 0.6666666667\n")
      yield* ok(["eval", "(* x y)", "--bind", "x=2,y=-5"], "-10\n")
      yield* ok(["eval", "(* x y)", "--bind", "x=(+ 1 1),y=3"], "6\n")
    }))
  it.effect("prints a rational with its decimal (= when the decimal is exact)", () =>
    Effect.gen(function* () {
      yield* ok(["eval", "(/ 1 3)"], "1/3 ≈ 0.3333333333\n")
      yield* ok(["eval", "(/ -5 8)"], "-5/8 = -0.625\n")
    }))
  it.effect("carries out a whole Polish form", () =>
    Effect.gen(function* () {
      yield* ok(["eval", "(derive (^ x 2) x)"], "(* 2 x)\n")
      yield* ok(["eval", "(solve (= (^ x 2) 4) x)"], "-2, 2\n")
      yield* ok(["eval", "(integrate (^ x 2) x 0 1)"], "1/3 ≈ 0.3333333333\n")
    }))
  it.effect("leaves an expression with free symbols symbolic when nothing is bound", () =>
    ok(["eval", "(+ x 3)"], "(+ x 3)\n"))
  it.effect("applies the given bindings when other symbols stay free", () =>
    ok(["eval", "(+ x y)", "-b", "x=2"], "(+ 2 y)\n"))
})

describe("grapheme simplify / derive / integrate / solve", () => {
  it.effect("simplify prints the canonical form", () => ok(["simplify", "(+ 1 2)"], "3\n"))
  it.effect("derive takes the variable as an argument, --var, or the only free symbol", () =>
    Effect.gen(function* () {
      yield* ok(["derive", "(^ x 2)", "x"], "(* 2 x)\n")
      yield* ok(["derive", "(* a x)", "--var", "a"], "x\n")
      yield* ok(["derive", "(^ t 3)"], "(* 3 (^ t 2))\n")
    }))
  it.effect("derive refuses two different variables and a non-variable", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["derive", "(* a x)", "x", "--var", "a"])
      assert.strictEqual(r.code, 2)
      assert.strictEqual(r.stderr, "grapheme: two different variables given: \"x\" and \"a\"\n")
      const s = yield* runCli(["derive", "(* a x)", "pi"])
      assert.strictEqual(s.code, 2)
      assert.match(s.stderr, /^grapheme: "pi" is not a variable name/)
    }))
  it.effect("integrate: antiderivative, definite value (positional or --from/--to), quadrature", () =>
    Effect.gen(function* () {
      yield* ok(["integrate", "(^ x 2)", "x"], "(* 1/3 (^ x 3))\n")
      yield* ok(["integrate", "(^ x 2)", "x", "0", "1"], "1/3 ≈ 0.3333333333\n")
      yield* ok(["integrate", "(^ x 2)", "--from", "0", "--to", "1"], "1/3 ≈ 0.3333333333\n")
      yield* ok(["integrate", "(exp x)", "x", "0", "1"], "(- e 1) ≈ 1.718281828\n")
      yield* ok(["integrate", "(exp (^ x 2))", "x", "0", "1"], "≈ 1.462651746 (quadrature)\n")
    }))
  it.effect("integrate with a single bound is a usage error", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["integrate", "(^ x 2)", "0", "1"])
      assert.deepStrictEqual(r, {
        stdout: "",
        stderr: "grapheme: give both bounds, after the variable: integrate EXPR VAR FROM TO\n",
        code: 2
      })
      const s = yield* runCli(["integrate", "(^ x 2)", "--from", "0"])
      assert.strictEqual(s.code, 2)
    }))
  it.effect("solve prints one root, every root, no solution, all real numbers", () =>
    Effect.gen(function* () {
      yield* ok(["solve", "(= (+ (* 2 x) 5) 13)", "x"], "4\n")
      yield* ok(["solve", "(= (^ x 2) 4)", "x"], "-2, 2\n")
      yield* ok(["solve", "(= (* 3 x) 1)"], "1/3 ≈ 0.3333333333\n")
      yield* ok(["solve", "(= (^ x 2) 2)"], "(- (sqrt 2)) ≈ -1.414213562, (sqrt 2) ≈ 1.414213562\n")
      yield* ok(["solve", "(= (+ x 1) x)"], "no solution\n")
      yield* ok(["solve", "(= (+ x x) (* 2 x))"], "all real numbers\n")
      yield* ok(["solve", "(= (* 2 y) 4)"], "2\n")
    }))
})

describe("errors", () => {
  it.effect("a malformed expression: one line on stderr naming position and expectation, exit 1", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["eval", "(+ (* 2 3) 4"])
      assert.deepStrictEqual(r, {
        stdout: "",
        stderr: "grapheme: parse error at position 12: expected \")\", found end of input\n",
        code: 1
      })
    }))
  it.effect("an Engine failure is one line; --verbose (anywhere) adds the full cause", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["eval", "(/ 1 0)"])
      assert.deepStrictEqual(r, { stdout: "", stderr: "grapheme: division by zero\n", code: 1 })
      for (const args of [["--verbose", "eval", "(/ 1 0)"], ["eval", "(/ 1 0)", "--verbose"]]) {
        const v = yield* runCli(args)
        assert.strictEqual(v.code, 1)
        const lines = v.stderr.trim().split("\n")
        assert.strictEqual(lines[0], "grapheme: division by zero")
        assert.isAbove(lines.length, 2)
        assert.include(v.stderr, "EngineError")
      }
    }))
  it.effect("usage mistakes are one line with exit code 2", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
        [["evl", "(+ 1 2)"], /^grapheme: Invalid subcommand for grapheme - use one of .*'eval'.* \(see grapheme --help\)$/],
        [["eval"], /^grapheme: missing EXPR: give an expression, --file FILE, or pipe expressions on standard input$/],
        [["eval", "--bogus"], /^grapheme: unknown option "--bogus"$/],
        [["eval", "(+ x 1)", "--bind", "x"], /^grapheme: bad binding "x": expected NAME=VALUE, e\.g\. x=2$/],
        [["eval", "(+ x 1)", "--bind", "x=(+"], /^grapheme: bad binding "x=\(\+": parse error at position 2: /],
        [["eval", "(+ 1 2)", "--file", "f.txt"], /^grapheme: give either an expression or --file, not both/],
        [["derive", "(^ x 2)", "x", "y", "z"], /^grapheme: Received unknown argument: 'y' \(see grapheme --help\)$/]
      ]
      for (const [args, expected] of cases) {
        const r = yield* runCli(args)
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.strictEqual(r.stdout, "")
        assert.strictEqual(r.stderr.split("\n").length, 2, `one line for ${args.join(" ")}: ${r.stderr}`)
        assert.match(r.stderr.trimEnd(), expected)
      }
    }))
  it.effect("an unreadable file is one line with exit code 1", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["eval", "--file", "/nonexistent/grapheme.txt"])
      assert.deepStrictEqual(r, {
        stdout: "",
        stderr: "grapheme: cannot read \"/nonexistent/grapheme.txt\": no such file\n",
        code: 1
      })
    }))
})

describe("help", () => {
  it.effect("--help lists the commands; no arguments shows the same help", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["--help"])
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stderr, "")
      for (const name of ["generate", "validate", "eval", "simplify", "derive", "integrate", "solve", "--verbose"]) assert.include(r.stdout, name)
      assert.notInclude(r.stdout, "\u001b[", "no colour codes unless asked for")
      const none = yield* runCli([])
      assert.strictEqual(none.stdout, r.stdout)
    }))
  it.effect("each command has --help", () =>
    Effect.gen(function* () {
      for (const name of ["eval", "simplify", "derive", "integrate", "solve"]) {
        const r = yield* runCli([name, "--help"])
        assert.strictEqual(r.code, 0)
        assert.include(r.stdout, `$ ${name}`)
        assert.include(r.stdout, "--file")
      }
    }))
  it.effect("--version", () =>
    Effect.gen(function* () {
      const r = yield* runCli(["--version"])
      assert.strictEqual(r.code, 0)
      assert.match(r.stdout, /\d+\.\d+\.\d+/)
    }))
})

describe("batch mode", () => {
  it.effect("a bad line in the middle: an in-line error, the other results, exit 1", () =>
    Effect.gen(function* () {
      const file = tempFile("exprs.txt", "(+ 1 2)\n(/ 1 3)\n(+ 1\n\n# a comment\n(* 2 (+ x 1))\tx=3\n(/ 1 0)\n(- 10 4)\n")
      const r = yield* runCli(["eval", "--file", file])
      assert.strictEqual(
        r.stdout,
        [
          "3",
          "1/3 ≈ 0.3333333333",
          "error: line 3: parse error at position 4: expected \")\", found end of input",
          "",
          "",
          "8",
          "error: line 7: division by zero",
          "6",
          ""
        ].join("\n")
      )
      assert.strictEqual(r.stderr, "grapheme: 2 of 6 lines failed (see the \"error: line N\" lines)\n")
      assert.strictEqual(r.code, 1)
    }))
  it.effect("all lines good: exit 0; --bind applies to every line", () =>
    ok(["eval", "-f", tempFile("ok.txt", "(+ x 1)\n(* x x)\n(+ x y)\ty=1/2\n"), "-b", "x=3"], "4\n9\n7/2 = 3.5\n"))
  it.effect("reads piped standard input when no EXPR is given (CRLF too)", () =>
    ok(["derive"], "(* 2 x)\n(cos x)\n(* 3 (^ t 2))\n", "(^ x 2)\r\n(sin x)\r\n(^ t 3)\tt\r\n"))
  it.effect("--file - reads standard input; integrate takes bounds from --from/--to or the line", () =>
    ok(
      ["integrate", "--from", "0", "--to", "1", "--file", "-"],
      "1/3 ≈ 0.3333333333\n2\n",
      "(^ x 2)\nx\tx\t0\t2\n"
    ))
  it.effect("solve in batch: one line per equation, roots comma-separated", () =>
    ok(["solve", "--var", "x"], "-2, 2\nno solution\nall real numbers\n", "(= (^ x 2) 4)\n(= (+ x 1) x)\n(= (+ x x) (* 2 x))\n"))
  it.effect("an empty file prints nothing and succeeds", () => ok(["simplify", "-f", tempFile("empty.txt", "")], ""))
  it.effect("processes a 20,000-line file, one result per line in order", () =>
    Effect.gen(function* () {
      const n = 20_000
      const lines = Array.from({ length: n }, (_, i) => `(+ (* ${i} 3) (/ 1 ${i + 2}))`)
      const file = tempFile("many.txt", lines.join("\n") + "\n")
      const r = yield* runCli(["eval", "--file", file])
      assert.strictEqual(r.code, 0)
      const out = r.stdout.split("\n")
      assert.strictEqual(out.length, n + 1)
      assert.strictEqual(out[6], "145/8 = 18.125")
      const last = n - 1 // 3·last + 1/(last + 2), exactly
      assert.isTrue(out[last]!.startsWith(`${3 * last * (last + 2) + 1}/${last + 2} ≈`), out[last])
    }))
})
