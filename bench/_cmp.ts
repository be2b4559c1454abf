import { Rng } from "../src/domain/Random.js"
import { ArithmeticBrain } from "../src/layers/brain/ArithmeticBrain.js"
import { ArithmeticBrain as Old } from "../src/layers/brain/_OldBrain.js"
import { featurize } from "../src/layers/brain/featurize.js"
import { numericObjective, warmupObjective } from "../src/layers/brain/objective.js"
import { run } from "../src/layers/engine/run.js"
import { numberOfAnswer } from "../src/layers/grading.js"
import { level1 } from "../src/plugins/builtin/level1.js"
import { level2 } from "../src/plugins/builtin/level2.js"
import { level3 } from "../src/plugins/builtin/level3.js"
import { level4 } from "../src/plugins/builtin/level4.js"
import { level6 } from "../src/plugins/builtin/level6.js"
import { level7 } from "../src/plugins/builtin/level7.js"
for (const level of [level1, level2, level3, level4, level6, level7]) for (const lockFrac of [1, 0.5, 0]) {
  const rng = Rng.seeded(3, level.level)
  const inputs: any[] = [], targets: number[] = []
  while (inputs.length < 300) {
    const p = level.generate(rng)
    let v: number | undefined
    try { v = numberOfAnswer(run(p.input, p.bindings)) } catch { continue }
    if (v === undefined || !Number.isFinite(v)) continue
    inputs.push({ expr: p.input, bindings: p.bindings ?? [] }); targets.push(v)
  }
  const f = featurize(inputs)
  const y = Float64Array.from(targets)
  const out = [new ArithmeticBrain(Rng.seeded(1, 9)), new Old(Rng.seeded(1, 9))].map((net) => {
    const heads = [...new Set(f.levels.flatMap((l) => [...l.head]))]
    net.lockGates(heads.filter((_, i) => i < heads.length * lockFrac))
    const fw = net.forward(f)
    const loss = lockFrac === 0 ? warmupObjective(fw, Array.from(f.roots), y) : numericObjective(fw, y)
    loss.backward()
    return { values: Array.from(fw.values.data), loss: loss.item(), grads: net.parameters().flatMap((p) => Array.from(p.grad ?? [])), paths: Array.from(fw.paths.data) }
  })
  const [n, o] = out as any
  const diff = (a: number[], b: number[]) => { let m = 0, same = true; a.forEach((x, i) => { if (!Object.is(x, b[i])) same = false; const d = Math.abs(x - b[i]!) / Math.max(1, Math.abs(b[i]!)); if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d }); return `${same ? "bit-identical" : m.toExponential(1)}` }
  console.log(`L${level.level} locked ${lockFrac}: values ${diff(n.values, o.values)}, loss ${diff([n.loss], [o.loss])}, grads ${diff(n.grads, o.grads)}, paths ${diff(n.paths, o.paths)}`)
}
