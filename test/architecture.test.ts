/**
 * The layout's import rules (docs/architecture.md): a port never imports an adapter.
 * `src/services/` may import `src/domain/`, `src/tensor/` and other services, never
 * `src/layers/`, `src/plugins/` or `src/cli/`; `src/domain/` imports only itself and
 * `src/tensor/` only itself and the domain; a plugin (a curriculum level) imports the
 * domain and the services only; no layer imports a command (and all, packages).
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"

const root = path.resolve(import.meta.dirname, "..")
const src = path.join(root, "src")

const tsFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith(".ts") ? [full] : []
  })

/** Every relative module a file imports or re-exports (static or dynamic), resolved to a path under src/. */
const relativeImports = (file: string): Array<string> => {
  const text = fs.readFileSync(file, "utf8")
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]!)
  return specs.filter((s) => s.startsWith(".")).map((s) => path.relative(src, path.resolve(path.dirname(file), s)))
}

/** `file: import` for every import of a file under `folder` that falls outside `allowed` (folders of src/). */
const violations = (folder: string, allowed: ReadonlyArray<string>): Array<string> =>
  tsFiles(path.join(src, folder)).flatMap((file) =>
    relativeImports(file)
      .filter((target) => !allowed.some((a) => target === a || target.startsWith(`${a}${path.sep}`)))
      .map((target) => `${path.relative(root, file)}: imports src/${target}`)
  )

describe("architecture", () => {
  it("finds the imports it checks", () => {
    // A guard against a scanner that sees nothing: Brain.ts imports the domain's Expr.
    assert.include(relativeImports(path.join(src, "services", "Brain.ts")), path.join("domain", "Expr.js"))
  })

  it("services (ports) import no layer, plugin or command", () => {
    assert.deepStrictEqual(violations("services", ["services", "domain", "tensor"]), [])
  })

  it("domain imports only the domain", () => {
    assert.deepStrictEqual(violations("domain", ["domain"]), [])
  })

  it("tensor imports only tensor and the domain", () => {
    assert.deepStrictEqual(violations("tensor", ["tensor", "domain"]), [])
  })

  it("plugins import only plugins, services and the domain", () => {
    assert.deepStrictEqual(violations("plugins", ["plugins", "services", "domain"]), [])
  })

  it("layers import no command", () => {
    assert.deepStrictEqual(violations("layers", ["layers", "services", "domain", "tensor", "plugins"]), [])
  })
})
