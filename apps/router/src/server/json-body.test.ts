import { describe, expect, it } from "vitest";
import { parseRequestJson } from "./json-body.ts";

describe("parseRequestJson", () => {
  const roundTrip = (text: string) => JSON.stringify(parseRequestJson(text));

  it("keeps integers beyond 2^53 and overflowing numbers exact through JSON.stringify", () => {
    expect(roundTrip('{"a":12345678901234567891,"b":[-9007199254740993],"c":1e400}')).toBe(
      '{"a":12345678901234567891,"b":[-9007199254740993],"c":1e400}',
    );
  });

  it("leaves safe numbers, floats and strings as plain values", () => {
    const v = parseRequestJson(
      '{"a":9007199254740991,"b":0.1,"c":"12345678901234567891","d":1e300}',
    );
    expect(v).toEqual({ a: 9007199254740991, b: 0.1, c: "12345678901234567891", d: 1e300 });
  });

  it("looks for lossy numbers at any depth, without recursing on deeply nested bodies", () => {
    const nest = (depth: number, inner: string) =>
      `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;
    expect(roundTrip(nest(1000, "12345678901234567891"))).toBe(nest(1000, "12345678901234567891"));
    // The check itself must not overflow the stack where JSON.parse does not.
    expect(() => parseRequestJson(nest(200_000, "1"))).not.toThrow();
  });

  it("throws on invalid JSON like JSON.parse", () => {
    expect(() => parseRequestJson("{nope")).toThrow(SyntaxError);
  });
});
