/**
 * JSON with integers of any size: `JSON.parse` rounds `11786327394545760371` to the
 * nearest double; here an integer literal beyond ±(2^53 − 1) is read as a `bigint`,
 * exactly, and everything else as `JSON.parse` reads it. What a `bigint` means is up
 * to the reader of the field (an expression's Integer keeps it; a field that is a
 * double by definition, such as `expected_result`, takes the nearest double).
 *
 * Text without such a literal (no number token that starts with 16 digits) goes
 * straight to `JSON.parse`, so the common line costs one regular-expression test more.
 */

/**
 * A number token starting with 16 digits: a JSON value starts the text or follows `[`,
 * `,`, `:` or white space. The digits of a fraction (after ".") or of an exponent do
 * not count: a double such as -0.040644628323104406 (half the lines of a level-4 split)
 * would otherwise take the slow reader, about 5× slower than `JSON.parse`, for nothing.
 */
const LONG_INTEGER = /(?:^|[[,:\s])-?[0-9]{16}/

/** Whether `text` may hold an integer literal too long for a double (false: `JSON.parse` reads it exactly). */
export const mayHoldLongInteger = (text: string): boolean => LONG_INTEGER.test(text)

export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError"
}

const isSafe = (literal: string): boolean => {
  const digits = literal.startsWith("-") ? literal.slice(1) : literal
  return digits.length < 16 || (digits.length === 16 && digits <= "9007199254740991")
}

/** `JSON.parse`, but an integer literal that does not fit a double exactly becomes a bigint. Throws JsonSyntaxError. */
export const parseJson = (text: string): unknown => {
  if (!mayHoldLongInteger(text)) return plain(text)
  return new Reader(text).document()
}

const plain = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new JsonSyntaxError((e as Error).message)
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const SPACE = /[ \t\n\r]*/y

type Container = { readonly array: Array<unknown> } | { readonly object: Record<string, unknown>; key: string | undefined }

/** A JSON reader with an explicit stack (deep expressions do not overflow). */
class Reader {
  private pos = 0
  constructor(private readonly text: string) {}

  private fail(expected: string): never {
    // JSON.parse's own message for the same text, when it has one, reads like every other JSON error.
    try {
      JSON.parse(this.text)
    } catch (e) {
      throw new JsonSyntaxError((e as Error).message)
    }
    throw new JsonSyntaxError(`expected ${expected} at position ${this.pos}`)
  }

  private skip(): void {
    SPACE.lastIndex = this.pos
    SPACE.exec(this.text)
    this.pos = SPACE.lastIndex
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos
    const m = re.exec(this.text)
    if (m === null) return undefined
    this.pos = re.lastIndex
    return m[0]
  }

  /** A scalar, or undefined after opening a container (pushed on `stack`). */
  private value(stack: Array<Container>): { readonly v: unknown } | undefined {
    this.skip()
    const c = this.text.charAt(this.pos)
    if (c === "{") {
      this.pos++
      stack.push({ object: {}, key: undefined })
      return undefined
    }
    if (c === "[") {
      this.pos++
      stack.push({ array: [] })
      return undefined
    }
    if (c === "\"") {
      const s = this.match(STRING)
      if (s === undefined) this.fail("a string")
      return { v: JSON.parse(s) as string }
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const)
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length
        return { v }
      }
    const n = this.match(NUMBER)
    if (n === undefined) this.fail("a value")
    const integer = !/[.eE]/.test(n)
    return { v: integer && !isSafe(n) ? BigInt(n) : Number(n) }
  }

  document(): unknown {
    const stack: Array<Container> = []
    let done: { readonly v: unknown } | undefined = this.value(stack)
    for (;;) {
      const top = stack[stack.length - 1]
      if (top === undefined) break
      this.skip()
      if (done !== undefined) {
        // a finished value goes into the container on top
        if ("array" in top) top.array.push(done.v)
        else Object.defineProperty(top.object, top.key as string, { value: done.v, enumerable: true, writable: true, configurable: true })
        done = undefined
        const c = this.text.charAt(this.pos)
        if (c === ",") {
          this.pos++
          if ("object" in top) this.key(top)
          done = this.value(stack)
          continue
        }
      }
      const close = "array" in top ? "]" : "}"
      if (this.text.charAt(this.pos) === close) {
        this.pos++
        stack.pop()
        done = { v: "array" in top ? top.array : top.object }
        continue
      }
      // first element of an empty-so-far container
      const isEmpty = "array" in top ? top.array.length === 0 : Object.keys(top.object).length === 0 && top.key === undefined
      if (!isEmpty) this.fail(`"," or "${close}"`)
      if ("object" in top) this.key(top)
      done = this.value(stack)
    }
    this.skip()
    if (this.pos !== this.text.length) this.fail("end of input")
    return done?.v
  }

  private key(top: { readonly object: Record<string, unknown>; key: string | undefined }): void {
    this.skip()
    const s = this.match(STRING)
    if (s === undefined) this.fail("a string key")
    this.skip()
    if (this.text.charAt(this.pos) !== ":") this.fail("\":\"")
    this.pos++
    top.key = JSON.parse(s) as string
  }
}
