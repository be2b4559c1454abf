/**
 * Builds data/deeper/level_5.jsonl: level-5 problems one level deeper than the generator's
 * (f of height exactly 5, the generator stops at 4), answered and verified by the Engine
 * as generated data are. The set on which issue #15 measures the learned simplifier's form
 * beyond the training distribution:
 *
 *   npx tsx data/deeper/build.ts
 *   npx grapheme validate --model checkpoints/final.bin --data data/deeper/
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { contains, depth, fn, sym } from "../../src/domain/Expr.js"
import { print } from "../../src/domain/Polish.js"
import { Rng } from "../../src/domain/Random.js"
import { lineOf, solveAndVerify } from "../../src/layers/generator/chunk.js"
import { engineKernel } from "../../src/layers/generator/kernel.js"
import { calculusTree, level5 } from "../../src/plugins/builtin/level5.js"

const COUNT = 500
const DIR = fileURLToPath(new URL("./", import.meta.url))

const rng = Rng.seeded(2027, 5)
const seen = new Set<string>()
const lines: Array<string> = []
const generic = { ...level5, verify: undefined, answer: undefined }
for (let tries = 0; lines.length < COUNT; tries++) {
  if (tries > COUNT * 50) throw new Error(`only ${lines.length} problems verified`)
  const f = calculusTree(rng, 5)
  if (depth(f) !== 5 || !contains(f, "x")) continue
  const input = fn("derive", f, sym("x"))
  const polish = print(input)
  if (seen.has(polish)) continue
  const r = solveAndVerify(generic, { input }, engineKernel)
  if ("rejection" in r) continue
  seen.add(polish)
  lines.push(lineOf(5, `deeper-L5-${String(lines.length + 1).padStart(3, "0")}`, polish, { input, extra: { probe: "deeper" } }, r.answer))
}
fs.writeFileSync(`${DIR}level_5.jsonl`, `${lines.join("\n")}\n`)
console.log(`wrote ${COUNT} problems to ${DIR}level_5.jsonl`)
