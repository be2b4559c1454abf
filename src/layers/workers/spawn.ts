/**
 * Starting a worker thread on one of our entry modules, whether we run as TypeScript
 * (tsx, vitest) or as compiled JavaScript. Under TypeScript the entry is pre-bundled
 * (./bundle.ts) when esbuild is there; otherwise the worker starts from a snippet that
 * registers tsx and then imports the entry, since on Node 20 a worker cannot load a
 * .ts entry through execArgv.
 */
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import { pathToFileURL } from "node:url"
import * as WT from "node:worker_threads"
import { bundledWorker } from "./bundle.js"

/** `--threads 0` (`num_threads = 0`) means every core. */
export const resolveThreads = (threads: number): number =>
  threads <= 0 ? Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length) : threads

/** The URL of the entry `name` (without extension) beside the module `importMetaUrl`, as .ts or .js like it. */
export const entryBeside = (importMetaUrl: string, name: string): string =>
  new URL(`./${name}.${importMetaUrl.endsWith(".ts") ? "ts" : "js"}`, importMetaUrl).href

/** tsx's ESM API as a file URL (import.meta.resolve is missing under vitest; require.resolve gives the .cjs twin). */
const tsxApi = (): string => {
  const cjs = createRequire(import.meta.url).resolve("tsx/esm/api")
  const mjs = cjs.replace(/\.cjs$/, ".mjs")
  return pathToFileURL(fs.existsSync(mjs) ? mjs : cjs).href
}

export interface SpawnOptions {
  readonly workerData?: Record<string, unknown>
  readonly transferList?: ReadonlyArray<WT.TransferListItem>
}

/**
 * A function that starts workers on `entryUrl`. The bundled entry receives
 * `workerData.tsxApi` (to register tsx lazily, e.g. for a TypeScript plugin).
 * `bundle: false` loads the entry's modules as they are: a worker that imports a module
 * holding Effect values (a Layer) must share that module's copy of effect, which a
 * bundle (with its own copy inside) would not.
 */
export const workerSpawner = async (
  entryUrl: string,
  spawnerOptions: { readonly bundle?: boolean } = {}
): Promise<(options?: SpawnOptions) => WT.Worker> => {
  const isTs = entryUrl.endsWith(".ts")
  const tsx = isTs ? tsxApi() : undefined
  const bundle = spawnerOptions.bundle === false ? undefined : await bundledWorker(entryUrl).catch(() => undefined)
  if (bundle !== undefined)
    return (options = {}) =>
      new WT.Worker(bundle, { workerData: { ...options.workerData, tsxApi: tsx }, transferList: [...(options.transferList ?? [])] })
  const snippet =
    tsx === undefined
      ? `import(${JSON.stringify(entryUrl)})`
      : `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entryUrl)}) })`
  return (options = {}) =>
    new WT.Worker(snippet, { eval: true, workerData: { ...options.workerData }, transferList: [...(options.transferList ?? [])] })
}
