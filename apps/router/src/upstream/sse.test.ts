import { describe, expect, it } from "vitest";
import { SseRelay, usageFromJson } from "./sse.ts";

const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const content = (t: string) => ev({ choices: [{ delta: { content: t } }], usage: null });
const usage = ev({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 22 } });
const stream = content("a") + content("b") + usage + "data: [DONE]\n\n";

function run(strip: boolean, splits: number[]): { out: string; events: number; relay: SseRelay } {
  const relay = new SseRelay(strip);
  let out = "";
  let events = 0;
  const sink = { write: (b: Buffer) => (out += b.toString()), onEvent: () => events++ };
  const buf = Buffer.from(stream);
  let prev = 0;
  for (const at of [...splits, buf.length]) {
    relay.push(buf.subarray(prev, at), sink, 0);
    prev = at;
  }
  relay.end(sink);
  return { out, events, relay };
}

describe("SSE relay", () => {
  const splitsCases = [
    [],
    [5],
    [3, 40, 41, 90],
    Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
  ];
  for (const splits of splitsCases) {
    it(`strips the injected usage chunk and records usage (${splits.length} splits)`, () => {
      const r = run(true, splits);
      expect(r.out).toBe(content("a") + content("b") + "data: [DONE]\n\n");
      expect(r.relay.usage).toEqual({ promptTokens: 11, completionTokens: 22 });
      expect(r.events).toBe(2);
    });
    it(`passes everything through when the client asked for usage (${splits.length} splits)`, () => {
      const r = run(false, splits);
      expect(r.out).toBe(stream);
      expect(r.relay.usage).toEqual({ promptTokens: 11, completionTokens: 22 });
    });
  }

  it("keeps a usage object that arrives on a content chunk", () => {
    const relay = new SseRelay(true);
    let out = "";
    const both = ev({
      choices: [{ delta: { content: "z" } }],
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    });
    relay.push(
      Buffer.from(both),
      { write: (b) => (out += b.toString()), onEvent: () => undefined },
      0,
    );
    expect(out).toBe(both);
    expect(relay.usage).toEqual({ promptTokens: 1, completionTokens: 2 });
  });
});

describe("usageFromJson", () => {
  const cases: [string, string, unknown][] = [
    [
      "usage at the end",
      '{"choices":[{"message":{"content":"a \\"usage\\": {x"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":1}}}',
      { promptTokens: 3, completionTokens: 4, cachedTokens: 1 },
    ],
    ["usage: null", '{"choices":[],"usage":null}', null],
    ["no usage", '{"choices":[]}', null],
    ["not JSON", "oops", null],
  ];
  for (const [name, body, want] of cases)
    it(name, () => expect(usageFromJson(Buffer.from(body))).toEqual(want));
});
