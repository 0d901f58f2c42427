#!/usr/bin/env node
// npm run bench -- <name> [--scale S] [--seed N] [--out DIR] [...]
import { parseArgs } from "node:util";
import { autoscalingBenchmark } from "./autoscaling/autoscaling.ts";
import { cachePressureBenchmark } from "./benchmarks/cache-pressure.ts";
import { kthenaBenchmark } from "./benchmarks/kthena.ts";
import { kthenaHttpBenchmark } from "./benchmarks/kthena-http.ts";
import { overheadBenchmark } from "./benchmarks/overhead.ts";
import { pdBenchmark } from "./benchmarks/pd.ts";
import { routerCpuBenchmark } from "./benchmarks/router-cpu.ts";
import { ratelimitBenchmark } from "./ratelimit/ratelimit.ts";

const USAGE = `usage: npm run bench -- <kthena|cache-pressure|overhead|pd|ratelimit|router-cpu> [options]
  --scale S        fraction of the full workload (default 1); outputs go to docs/benchmarks/ only at scale 1
  --seed N         workload and engine seed (default 1)
  --out DIR        write the report files here instead
  --scenario X     kthena: long | short (default both)
  --contenders A,B only these contenders (random is always run as the baseline)
  --only A,B       overhead: only these contenders (ids: nginx, haproxy, passthrough, rr, lr, prefix,
                   ratelimit); direct always runs
  --no-staleness   cache-pressure: skip the staleness sweep
  --http           kthena: then run kthena-http too
  --time-scale X   kthena-http: engine time scale (default 1 = real time)

benchmarks:
  kthena           routing policies on Kthena's workload, discrete-event mode (full scale ≈ 10-20 min)
  kthena-http      the same at 1/8 scale through the real router process, next to DES (≈ 4 min)
  cache-pressure   llm-d high cache pressure ladder + staleness sweep (DES)
  overhead         router vs direct, nginx, HAProxy, node:http+undici (needs nginx, haproxy, redis-server)
  router-cpu       router CPU per request before/after, in process: tokenisation, prefix index, SSE relay
  pd               prefill/decode deciders, benchmark-local decider models (DES)
  ratelimit        token rate-limit accuracy: 1/2/4 router processes on one redis-server (fake clock)`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      scale: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      scenario: { type: "string" },
      contenders: { type: "string" },
      only: { type: "string" },
      http: { type: "boolean" },
      "no-staleness": { type: "boolean" },
      "time-scale": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const name = positionals[0];
  if (values.help === true || name === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1]`);
  const contenders = values.contenders?.split(",");
  let result: string;
  switch (name) {
    case "kthena":
      result = await kthenaBenchmark({
        scale,
        seed,
        out: values.out,
        contenders,
        scenarios:
          values.scenario === undefined ? undefined : [values.scenario as "long" | "short"],
      });
      break;
    case "kthena-http":
      result = await kthenaHttpBenchmark({
        seed,
        timeScale: values["time-scale"] === undefined ? 1 : Number(values["time-scale"]),
        out: values.out,
        contenders,
        official: values.scale === undefined,
      });
      break;
    case "overhead":
      result = await overheadBenchmark({
        scale,
        out: values.out,
        only: (values.only ?? values.contenders)?.split(","),
      });
      break;
    case "pd":
      result = await pdBenchmark({ scale, seed, out: values.out });
      break;
    case "ratelimit":
      result = await ratelimitBenchmark({ scale, seed, out: values.out });
      break;
    case "cache-pressure":
      result = await cachePressureBenchmark({
        scale,
        seed,
        out: values.out,
        contenders,
        staleness: values["no-staleness"] !== true,
      });
      break;
    case "router-cpu":
      result = await routerCpuBenchmark({ scale, seed, out: values.out });
      break;
    case "autoscaling":
      result = await autoscalingBenchmark({ scale, seed, out: values.out });
      break;
    default:
      throw new Error(`unknown benchmark "${name}"\n${USAGE}`);
  }
  if (name === "kthena" && values.http === true) {
    process.stdout.write(`${result}\n`);
    result = await kthenaHttpBenchmark({
      seed,
      timeScale: 1,
      out: values.out,
      official: scale === 1,
    });
  }
  process.stdout.write(`${result}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
