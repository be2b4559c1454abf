/** The chart (src/layers/plot) and `grapheme plot` end to end (in-process, captured output). */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { defaultOutput, formatPlotSummary } from "../../src/cli/plot.js"
import { parseTrainingLog } from "../../src/domain/TrainingLog.js"
import { chooseScale, epochStep, panelSubtitle, trainingChart } from "../../src/layers/plot/trainingChart.js"
import { runCli } from "../cli/harness.js"

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url))

const tempDir = () => mkdtempSync(join(tmpdir(), "grapheme-plot-"))
const tempCopy = (name: string, text = readFileSync(fixture(name), "utf8")) => {
  const path = join(tempDir(), name)
  writeFileSync(path, text)
  return path
}

/** Well-formed enough: one <svg> root, every tag closed in order, no stray `<` or `&` in text. */
const assertXmlish = (svg: string) => {
  const body = svg.trim().replace(/^<\?xml[^>]*\?>\s*/, "").replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, "")
  assert.match(body, /^<svg[\s>]/)
  assert.match(body, /<\/svg>$/)
  const stack: Array<string> = []
  let roots = 0
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g
  let at = 0
  for (const m of body.matchAll(tag)) {
    const text = body.slice(at, m.index)
    assert.notMatch(text, /<|&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/, `stray markup before offset ${m.index}`)
    at = m.index + m[0].length
    const [, close, name, , self] = m
    if (close === "/") assert.strictEqual(stack.pop(), name, `</${name}> closes the wrong element`)
    else if (self !== "/") {
      if (stack.length === 0) roots++
      stack.push(name!)
    } else if (stack.length === 0) roots++
  }
  assert.strictEqual(at, body.length, "text after the last tag")
  assert.deepStrictEqual(stack, [])
  assert.strictEqual(roots, 1)
}

describe("the training chart", () => {
  it("uses a log axis for values spanning two decades, linear otherwise", () => {
    assert.deepStrictEqual(chooseScale([2.3, 0.004], "auto"), { type: "log", min: 0.001, max: 10, floor: 0.001 })
    assert.deepStrictEqual(chooseScale([2.3, 0.5], "auto"), { type: "value", min: 0 })
    assert.deepStrictEqual(chooseScale([2.3, 0.5], "log"), { type: "log", min: 0.1, max: 10, floor: 0.1 })
    assert.deepStrictEqual(chooseScale([2.3, 0.004], "linear"), { type: "value", min: 0 })
    // A zero goes one decade below the smallest positive value.
    assert.deepStrictEqual(chooseScale([1.2, 0.01, 0], "auto"), { type: "log", min: 0.001, max: 10, floor: 0.001 })
    assert.deepStrictEqual(chooseScale([], "auto"), { type: "value", min: 0 })
  })

  it("spaces epoch ticks 1, 2, 5, 10 …", () => {
    assert.deepStrictEqual([0, 7, 12, 13, 30, 100, 250].map(epochStep), [1, 1, 1, 2, 5, 10, 50])
  })

  it("has one grid, two y axes and a title per level, and marks the level changes", () => {
    const log = parseTrainingLog(readFileSync(fixture("training.log"), "utf8"))
    const { option, width, height } = trainingChart(log)
    const grids = option.grid as Array<unknown>
    assert.strictEqual(grids.length, 3)
    assert.strictEqual((option.yAxis as Array<{ type: string }>).map((a) => a.type).join(), "log,value,log,value,value,value")
    const titles = (option.title as Array<{ text: string; subtext?: string }>).map((t) => t.text)
    assert.deepStrictEqual(titles, ["Training — training.log", "Level 1", "Level 2", "Level 3"])
    assert.isAbove(height, 900)
    assert.strictEqual(width, 1000)
    const series = option.series as Array<{ name: string; markLine?: { data: Array<{ xAxis?: number; yAxis?: number }> } }>
    const advances = series.flatMap((s) => s.markLine?.data.flatMap((d) => (d.xAxis === undefined ? [] : [d.xAxis])) ?? [])
    assert.deepStrictEqual(advances, [8, 12])
    assert.deepStrictEqual((option.legend as { data: Array<string> }).data, [
      "avg loss",
      "GED",
      "accuracy",
      "level 1 accuracy (replay)",
      "level 2 accuracy (replay)"
    ])
    assert.deepStrictEqual(panelSubtitle(log.levels[1]!, 9), {
      epochs: "12 epochs (run epochs 9–20)",
      outcome: "advanced to level 3 at epoch 12, acc 0.96 > 0.95"
    })
    assert.deepStrictEqual(panelSubtitle(log.levels[2]!, 21).outcome, "not advanced · best accuracy 0.716 (epoch 7)")
  })

  it("lays more than three levels out in two columns", () => {
    const text = [1, 2, 3, 4, 5].map((l) => `[Level ${l}] Epoch 1/1\n  Epoch complete: avg_loss=0.5, accuracy=0.5\n`).join("")
    const { option, width } = trainingChart(parseTrainingLog(text))
    assert.strictEqual((option.grid as Array<unknown>).length, 5)
    assert.strictEqual(width, 1600)
  })
})

describe("grapheme plot", () => {
  it.effect("writes LOG.svg with a panel per level and the level changes, and says so", () =>
    Effect.gen(function* () {
      const log = tempCopy("training.log")
      const r = yield* runCli(["plot", log])
      const out = defaultOutput(log)
      assert.deepStrictEqual(r, { stdout: `wrote ${out}: 3 levels, 27 epochs\n`, stderr: "", code: 0 })
      const svg = readFileSync(out, "utf8")
      assertXmlish(svg)
      for (const level of [1, 2, 3]) assert.include(svg, `>Level ${level}</text>`)
      assert.include(svg, "→ level 2")
      assert.include(svg, "→ level 3")
      assert.include(svg, "advanced to level 2 at epoch 8, acc 0.97 &gt; 0.95")
      assert.include(svg, "threshold 0.95")
    }))

  it.effect("writes where -o says, or to standard output with -o -", () =>
    Effect.gen(function* () {
      const log = tempCopy("metrics.jsonl")
      const out = join(tempDir(), "chart.svg")
      const r = yield* runCli(["plot", log, "-o", out, "--scale", "linear"])
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout, `wrote ${out}: 2 levels, 4 epochs, 4 warnings\n`)
      assert.match(r.stderr, /^grapheme: warning: .*metrics\.jsonl:10: not valid JSON\n/)
      assert.strictEqual(r.stderr.split("\n").length - 1, 4)
      assertXmlish(readFileSync(out, "utf8"))

      const piped = yield* runCli(["plot", tempCopy("training.log"), "-o", "-"])
      assert.strictEqual(piped.code, 0)
      assertXmlish(piped.stdout)
    }))

  it.effect("fails with one line on a missing file, a log without epochs, a wrong -o", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const missing = yield* runCli(["plot", join(dir, "nope.log")])
      assert.deepStrictEqual(missing, {
        stdout: "",
        stderr: `grapheme: cannot read "${join(dir, "nope.log")}": no such file\n`,
        code: 1
      })
      const empty = tempCopy("empty.log", "starting…\n[Level 1] Epoch 1/10\n")
      const r = yield* runCli(["plot", empty])
      assert.strictEqual(r.code, 1)
      assert.strictEqual(r.stdout, "")
      assert.strictEqual(r.stderr, `grapheme: ${empty}: no epochs to plot (expected lines like "[Level 1] Epoch 1/10" and "Epoch complete: avg_loss=0.201, accuracy=0.87")\n`)
      assert.isFalse(existsSync(defaultOutput(empty)))

      const png = yield* runCli(["plot", tempCopy("training.log"), "-o", "x.png"])
      assert.strictEqual(png.code, 2)
      assert.strictEqual(png.stderr, `grapheme: plot writes SVG: give -o a name ending in .svg, got "x.png"\n`)
    }))

  it("names the output after the log", () => {
    assert.strictEqual(defaultOutput("runs/training.log"), "runs/training.svg")
    assert.strictEqual(defaultOutput("metrics.jsonl"), "metrics.svg")
    assert.strictEqual(defaultOutput("log"), "log.svg")
    assert.strictEqual(formatPlotSummary({ output: "t.svg", levels: 1, epochs: 1, warnings: 0 }), "wrote t.svg: 1 level, 1 epoch")
  })
})
