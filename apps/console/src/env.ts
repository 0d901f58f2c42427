// The console's environment, validated once. Nothing else reads process.env.
import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** The API server the console proxies tRPC calls to (same-origin `/api/trpc` keeps cookies first-party). */
  TESSERA_API_URL: z.url().default("http://127.0.0.1:4000"),
  /** Path of the API's tRPC endpoint. */
  TESSERA_API_TRPC_PATH: z.string().startsWith("/").default("/trpc"),
  /** Poll interval for live data (ms). */
  TESSERA_CONSOLE_POLL_MS: z.coerce.number().int().min(1000).default(10_000),
});

export type ConsoleEnv = z.output<typeof EnvSchema>;

let cached: ConsoleEnv | undefined;

/** Server-side only (route handlers, server components). */
export function serverEnv(): ConsoleEnv {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid console environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}
