// The environment the main job reads, validated in one place.
import path from "node:path";
import { z } from "zod";

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const EnvSchema = z.object({
  TESSERA_DATA_DIR: z.string().trim().min(1).default(".tessera"),
  /** The API server (tRPC, REST, /openapi.json). */
  TESSERA_API_PORT: port(4000),
  /** The console (Next.js): `next start` when a production build exists, else `next dev`. */
  TESSERA_CONSOLE_PORT: port(3000),
  /** Where the router listens for OpenAI traffic (and /healthz, /readyz, /metrics). */
  TESSERA_ROUTER_PORT: port(8080),
  /** The simulated engines all listen on this port, each on its own loopback "pod" address. */
  TESSERA_SIM_PORT: port(8000),
  TESSERA_SIM_REPLICAS: z.coerce.number().int().min(1).max(32).default(3),
  /** First loopback address of the simulated pods (127.0.0.x, x counting up). */
  TESSERA_SIM_FIRST_IP: z.ipv4().default("127.0.0.11"),
  /** Multiplies every simulated duration: 1 behaves like the preset's GPU, 0.1 ten times faster. */
  TESSERA_SIM_TIME_SCALE: z.coerce.number().positive().default(1),
  TESSERA_SIM_PRESET: z.string().default("8B-H100"),
  TESSERA_DEMO_MODEL: z.string().default("llama-3-8b"),
  /** The real local cluster brought up in the background once the demo is ready; `off` skips it. */
  TESSERA_LOCAL_CLUSTER: z.enum(["on", "off"]).default("on"),
  /** The router in Kubernetes mode in front of the local cluster's demo ModelServing. */
  TESSERA_CLUSTER_ROUTER_PORT: port(8090),
  /** Health and metrics of the controller reconciling the local cluster. */
  TESSERA_CONTROLLER_PORT: port(8091),
});

export type MainEnv = z.infer<typeof EnvSchema> & { dataDir: string };

/** npm runs workspace scripts inside the workspace; INIT_CWD is where the user typed `npm start`. */
export function readMainEnv(env: NodeJS.ProcessEnv = process.env): MainEnv {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  const cwd = env.INIT_CWD || process.cwd();
  return { ...parsed.data, dataDir: path.resolve(cwd, parsed.data.TESSERA_DATA_DIR) };
}

/** The environment children inherit (plus their own overrides): this process's, unchanged. */
export function childEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/**
 * Makes the resolved data directory the process's TESSERA_DATA_DIR, which @tessera/local-cluster
 * reads: the background cluster's state then lives in `<data dir>/clusters`, beside the rest.
 */
export function exportDataDir(dataDir: string): void {
  process.env.TESSERA_DATA_DIR = dataDir;
}
