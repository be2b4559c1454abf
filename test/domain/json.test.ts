import { describe, expect, it } from "@effect/vitest"
import { mayHoldLongInteger, parseJson } from "../../src/domain/Json.js"

describe("parseJson", () => {
  it("reads an integer literal too long for a double as a bigint, wherever a value can stand", () => {
    expect(parseJson("12345678901234567890")).toBe(12345678901234567890n)
    expect(parseJson("[1,12345678901234567890]")).toEqual([1, 12345678901234567890n])
    expect(parseJson('{"a": -12345678901234567890}')).toEqual({ a: -12345678901234567890n })
    expect(parseJson("[1,\n\t12345678901234567890]")).toEqual([1, 12345678901234567890n])
    expect(parseJson('{"a":9007199254740993}')).toEqual({ a: 9007199254740993n })
    expect(parseJson('{"a":9007199254740991}')).toEqual({ a: 9007199254740991 })
  })

  it("reads doubles with long fractions as JSON.parse does, without the slow reader", () => {
    const line = '{"expected_result":-0.040644628323104406,"x":[0.30000000000000004,1.2345678901234567e-7],"s":"1234567890123456789"}'
    expect(mayHoldLongInteger(line)).toBe(false)
    expect(parseJson(line)).toEqual(JSON.parse(line))
    expect(mayHoldLongInteger('{"a":1e12345678901234567}')).toBe(false)
    // A long integer part (of an integer or not) takes the reader: it decides.
    expect(mayHoldLongInteger('{"a":12345678901234567.5}')).toBe(true)
    expect(parseJson('{"a":12345678901234567.5}')).toEqual({ a: 12345678901234567.5 })
    expect(mayHoldLongInteger("[0, 1234567890123456]")).toBe(true)
  })
})
