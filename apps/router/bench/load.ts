// Closed-loop load generator on undici: N connections for D seconds; prints JSON with req/s and
// latency percentiles.
import { Pool } from "undici";

const [url = "", connections = "32", seconds = "5", promptChars = "200"] = process.argv.slice(2);
const body = JSON.stringify({
  model: "bench",
  messages: [{ role: "user", content: "x".repeat(Number(promptChars)) }],
  max_tokens: 1,
});
const pool = new Pool(url, { connections: Number(connections), pipelining: 1 });
const lat: number[] = [];
let errors = 0;
const end = performance.now() + Number(seconds) * 1000;
const warm = performance.now() + 1000;
async function worker(): Promise<void> {
  while (performance.now() < end) {
    const t0 = performance.now();
    try {
      const r = await pool.request({
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json" },
        body,
      });
      await r.body.dump();
      if (r.statusCode !== 200) errors++;
    } catch {
      errors++;
    }
    if (t0 > warm) lat.push(performance.now() - t0);
  }
}
await Promise.all(Array.from({ length: Number(connections) }, worker));
await pool.close();
lat.sort((a, b) => a - b);
const q = (p: number) => Math.round((lat[Math.floor(p * (lat.length - 1))] ?? 0) * 1000) / 1000;
process.stdout.write(
  `${JSON.stringify({ rps: Math.round(lat.length / (Number(seconds) - 1)), p50: q(0.5), p99: q(0.99), errors })}\n`,
);
