// Router overhead benchmark (reference performance.md §4): the same closed-loop load directly
// against a fake engine and through the router, with the default scheduler (least-request,
// kv-cache-usage, prefix-cache, lora-affinity, max-score) over 4 endpoints.
//   node apps/router/bench/overhead.ts [connections=32] [seconds=5] [promptChars=200] [router]
// The upstreams and the load generator run in child processes; pin with taskset for stable numbers.
import { spawn } from "node:child_process";
import { once } from "node:events";
import pino from "pino";
import { stringify } from "yaml";
import { Router } from "../src/router.ts";
import { parseObjectsYaml } from "../src/sources/parse.ts";

const [connections = "32", seconds = "5", promptChars = "200"] = process.argv.slice(2);
const node = process.execPath;
const here = new URL(".", import.meta.url).pathname;

async function firstLine(
  script: string,
  args: string[],
): Promise<{ line: string; kill: () => void }> {
  const p = spawn(node, [`${here}${script}`, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const [d] = (await once(p.stdout, "data")) as [Buffer];
  return { line: d.toString().trim(), kill: () => p.kill() };
}

async function load(url: string): Promise<string> {
  const p = spawn(node, [`${here}load.ts`, url, connections, seconds, promptChars], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  p.stdout.on("data", (d: Buffer) => (out += d.toString()));
  await once(p, "exit");
  return out.trim();
}

const ups = [await firstLine("upstream.ts", ["127.0.0.201", "0"])];
const port = Number(ups[0]?.line);
for (let i = 1; i < 4; i++)
  ups.push(await firstLine("upstream.ts", [`127.0.0.${201 + i}`, String(port)]));

const NET = "networking.serving.volcano.sh/v1alpha1";
const docs = [
  {
    apiVersion: NET,
    kind: "ModelServer",
    metadata: { name: "s", namespace: "default" },
    spec: {
      model: "m",
      inferenceEngine: "vLLM",
      workloadPort: { port },
      workloadSelector: { matchLabels: { app: "s" } },
    },
  },
  {
    apiVersion: NET,
    kind: "ModelRoute",
    metadata: { name: "r", namespace: "default" },
    spec: { modelName: "bench", rules: [{ targetModels: [{ modelServerName: "s" }] }] },
  },
  ...[0, 1, 2, 3].map((i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `p${i}`, namespace: "default", labels: { app: "s" } },
    status: {
      phase: "Running",
      podIP: `127.0.0.${201 + i}`,
      conditions: [{ type: "Ready", status: "True" }],
    },
  })),
];
const router = new Router({
  logger: pino({ level: "silent" }),
  accessLog: false,
  debugDecisions: 0,
});
router.applySnapshot(parseObjectsYaml(docs.map((d) => stringify(d)).join("---\n")).snapshot);
router.start();
const { port: rport } = await router.listen(0, "127.0.0.1");

// `router` as 4th argument skips the direct run (for profiling the router alone).
const direct =
  process.argv[5] === "router" ? "(skipped)" : await load(`http://127.0.0.201:${port}`);
const cpu0 = process.cpuUsage();
const routed = await load(`http://127.0.0.1:${rport}`);
const cpu = process.cpuUsage(cpu0);
const served = (JSON.parse(routed) as { rps: number }).rps * (Number(seconds) - 1);
const cpuPerReq = served > 0 ? Math.round(((cpu.user + cpu.system) / served) * 10) / 10 : 0;
process.stdout.write(
  `direct: ${direct}\nrouter: ${routed}\nrouter CPU: ${cpuPerReq} µs per request (user ${Math.round(cpu.user / 1000)} ms, system ${Math.round(cpu.system / 1000)} ms) → ≈ ${cpuPerReq > 0 ? Math.round(1e6 / cpuPerReq) : 0} req/s per core\n`,
);
await router.close();
for (const u of ups) u.kill();
