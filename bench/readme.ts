/**
 * Puts the benches' result fragments (bench/results/<bench>.md, written by full bench
 * runs, see bench/results.ts) into README.md, each between
 *
 *   <!-- bench:<bench> -->
 *   <!-- /bench:<bench> -->
 *
 * so that every figure the README quotes there is one a bench printed, with its commit,
 * date and command.
 *
 *   npm run bench:readme            rewrite README.md
 *   npm run bench:readme -- --check exit 1 if README.md is not up to date with the fragments
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { RESULTS_DIR } from "./results.js"

const README = join(RESULTS_DIR, "..", "..", "README.md")

/** README text with every fragment spliced between its markers; the fragments with no markers. */
export const splice = (readme: string, fragments: ReadonlyMap<string, string>): { readonly text: string; readonly unplaced: ReadonlyArray<string> } => {
  let text = readme
  const unplaced: Array<string> = []
  for (const [name, fragment] of fragments) {
    const open = `<!-- bench:${name} -->`
    const close = `<!-- /bench:${name} -->`
    const from = text.indexOf(open)
    const to = text.indexOf(close)
    if (from < 0 || to < from) {
      unplaced.push(name)
      continue
    }
    text = `${text.slice(0, from + open.length)}\n${fragment.trim()}\n${text.slice(to)}`
  }
  return { text, unplaced }
}

const fragments = (): Map<string, string> =>
  new Map(
    (existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : [])
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => [f.slice(0, -3), readFileSync(join(RESULTS_DIR, f), "utf8")] as const)
  )

const main = (): void => {
  const readme = readFileSync(README, "utf8")
  const found = fragments()
  const { text, unplaced } = splice(readme, found)
  for (const name of unplaced) console.log(`bench/results/${name}.md: README.md has no <!-- bench:${name} --> … <!-- /bench:${name} --> markers`)
  if (process.argv.includes("--check")) {
    if (text !== readme) {
      console.log("README.md is not up to date with bench/results/: run npm run bench:readme")
      process.exitCode = 1
    } else console.log(`README.md is up to date with ${found.size} fragment(s)`)
    return
  }
  if (text !== readme) writeFileSync(README, text)
  console.log(`README.md: ${found.size - unplaced.length} fragment(s) spliced${text === readme ? " (no change)" : ""}`)
}

main()
