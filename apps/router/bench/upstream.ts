// A minimal engine for overhead benchmarks: instant JSON (or a short SSE stream), vLLM-style /metrics.
import { createServer } from "node:http";

const host = process.argv[2] ?? "127.0.0.1";
const port = Number(process.argv[3] ?? 0);
const body = JSON.stringify({
  id: "b",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 50, completion_tokens: 1, total_tokens: 51 },
});
const server = createServer((req, res) => {
  if (req.method === "GET") {
    res
      .writeHead(200, { "content-type": "text/plain" })
      .end(
        "vllm:num_requests_running 0\nvllm:num_requests_waiting 0\nvllm:kv_cache_usage_perc 0.1\n",
      );
    return;
  }
  req.resume();
  req.on("end", () =>
    res
      .writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      })
      .end(body),
  );
});
server.keepAliveTimeout = 60_000;
server.listen(port, host, () => {
  const a = server.address();
  process.stdout.write(`${typeof a === "object" && a !== null ? a.port : 0}\n`);
});
