// Instant fake upstream for the overhead benchmark: answers OpenAI completions at once, as JSON or
// as SSE with a fixed number of chunks, on every address given, same port. Also serves the minimal
// vLLM /metrics and /v1/models the router scrapes. Options JSON in argv[2]; prints READY.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";

const o = JSON.parse(process.argv[2] ?? "{}") as { hosts: string[]; port: number; chunks: number };
const JSON_BODY = JSON.stringify({
  id: "cmpl-1",
  object: "text_completion",
  created: 0,
  model: "m",
  choices: [{ index: 0, text: " ok", finish_reason: "length" }],
  usage: { prompt_tokens: 50, completion_tokens: 16, total_tokens: 66 },
});
const chunk = (i: number) =>
  `data: ${JSON.stringify({ id: "cmpl-1", object: "text_completion", choices: [{ index: 0, text: ` w${i}` }] })}\n\n`;
const SSE =
  Array.from({ length: o.chunks }, (_, i) => chunk(i)).join("") +
  `data: ${JSON.stringify({ id: "cmpl-1", choices: [], usage: { prompt_tokens: 50, completion_tokens: o.chunks, total_tokens: 50 + o.chunks } })}\n\ndata: [DONE]\n\n`;
const METRICS =
  'vllm:num_requests_running{model_name="m"} 0\nvllm:num_requests_waiting{model_name="m"} 0\nvllm:kv_cache_usage_perc{model_name="m"} 0\n';
const MODELS = JSON.stringify({ object: "list", data: [{ id: "m", object: "model" }] });

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === "GET") {
    const body = req.url === "/metrics" ? METRICS : MODELS;
    res.writeHead(200, {
      "content-type": req.url === "/metrics" ? "text/plain" : "application/json",
    });
    res.end(body);
    return;
  }
  let stream = false;
  const parts: Buffer[] = [];
  req.on("data", (d: Buffer) => parts.push(d));
  req.on("end", () => {
    // Only look for the stream flag; the body is not parsed (an instant upstream).
    const head = Buffer.concat(parts).subarray(0, 200).toString();
    const tail = Buffer.concat(parts).subarray(-200).toString();
    stream = head.includes('"stream":true') || tail.includes('"stream":true');
    if (stream) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(SSE);
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON_BODY);
    }
  });
}

let n = 0;
for (const host of o.hosts) {
  const s = createServer({ keepAliveTimeout: 60_000 }, handle);
  s.listen(o.port, host, () => {
    if (++n === o.hosts.length) process.stdout.write("READY\n");
  });
}
process.on("SIGTERM", () => process.exit(0));
