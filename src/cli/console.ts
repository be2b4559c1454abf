/**
 * Building an Effect `Console` from a plain (unsafe) console, so that the CLI can route
 * its output: strip colours when stdout is not a terminal, hold back @effect/cli's own
 * multi-line usage messages (see `Cli.run`), and capture everything in tests.
 */
import { Console, Effect } from "effect"
import { format } from "node:util"

export const fromUnsafe = (unsafe: Console.UnsafeConsole): Console.Console => ({
  [Console.TypeId]: Console.TypeId,
  assert: (condition, ...args) => Effect.sync(() => unsafe.assert(condition, ...args)),
  clear: Effect.sync(() => unsafe.clear()),
  count: (label) => Effect.sync(() => unsafe.count(label)),
  countReset: (label) => Effect.sync(() => unsafe.countReset(label)),
  debug: (...args) => Effect.sync(() => unsafe.debug(...args)),
  dir: (item, options) => Effect.sync(() => unsafe.dir(item, options)),
  dirxml: (...args) => Effect.sync(() => unsafe.dirxml(...args)),
  error: (...args) => Effect.sync(() => unsafe.error(...args)),
  group: (options) =>
    Effect.sync(() => (options?.collapsed ? unsafe.groupCollapsed(options.label) : unsafe.group(options?.label))),
  groupEnd: Effect.sync(() => unsafe.groupEnd()),
  info: (...args) => Effect.sync(() => unsafe.info(...args)),
  log: (...args) => Effect.sync(() => unsafe.log(...args)),
  table: (data, properties) => Effect.sync(() => unsafe.table(data, properties)),
  time: (label) => Effect.sync(() => unsafe.time(label)),
  timeEnd: (label) => Effect.sync(() => unsafe.timeEnd(label)),
  timeLog: (label, ...args) => Effect.sync(() => unsafe.timeLog(label, ...args)),
  trace: (...args) => Effect.sync(() => unsafe.trace(...args)),
  warn: (...args) => Effect.sync(() => unsafe.warn(...args)),
  unsafe
})

/** What `console.log(...args)` would print (without the newline). */
export const formatArgs = (args: ReadonlyArray<unknown>): string =>
  args.length === 1 && typeof args[0] === "string" ? args[0] : format(...args)

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g

/** Removes ANSI colour and cursor sequences (cheap when there are none). */
export const stripAnsi = (text: string): string => (text.includes("\u001b") ? text.replace(ANSI, "") : text)

/**
 * A console whose log/info/error/warn lines go through `onOut` / `onErr` as whole
 * strings; the rest delegates to `base`.
 */
export const routed = (
  base: Console.UnsafeConsole,
  onOut: (text: string) => void,
  onErr: (text: string) => void
): Console.Console =>
  fromUnsafe({
    ...base,
    log: (...args) => onOut(formatArgs(args)),
    info: (...args) => onOut(formatArgs(args)),
    error: (...args) => onErr(formatArgs(args)),
    warn: (...args) => onErr(formatArgs(args))
  })
