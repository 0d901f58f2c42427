// CPU per streamed event in the SSE relay (target ≤ 20 µs per chunk, performance.md §4.4).
//   node apps/router/bench/sse-relay.ts
import { SseRelay } from "../src/upstream/sse.ts";

const event = (i: number) =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" tok${i}"},"finish_reason":null}],"usage":null}\n\n`;
const chunks = Array.from({ length: 256 }, (_, i) => Buffer.from(event(i)));
const usage = Buffer.from(
  'data: {"id":"x","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":256}}\n\ndata: [DONE]\n\n',
);
const sink = { write: (_b: Buffer) => undefined, onEvent: (_t: number) => undefined };
const streams = 4000;
for (let round = 0; round < 2; round++) {
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < streams; s++) {
    const r = new SseRelay(true);
    for (const c of chunks) r.push(c, sink, 0);
    r.push(usage, sink, 0);
    r.end(sink);
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (round === 1)
    process.stdout.write(
      `${(ns / (streams * (chunks.length + 1)) / 1000).toFixed(2)} µs per chunk\n`,
    );
}
