// The router's environment, validated once at start. Every setting can also be given as a flag
// (flags win); see docs/router.md.
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = z.coerce.number().int().min(0);

export const EnvSchema = z.object({
  ROUTER_PORT: int.max(65535).default(8080),
  ROUTER_HOST: z.string().default("0.0.0.0"),
  ROUTER_METRICS_PORT: int.max(65535).optional(),
  ROUTER_CONFIG: z.string().optional(),
  ROUTER_SCHEDULER_CONFIG: z.string().optional(),
  ROUTER_NAMESPACE: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ACCESS_LOG_ENABLED: bool.default(true),
  METRICS_SCRAPE_INTERVAL_MS: int.default(200),
  METRICS_STALE_AFTER_MS: int.default(1_000),
  BODY_LIMIT_BYTES: int.default(8 * 1024 * 1024),
  HEADERS_TIMEOUT_MS: int.default(10_000),
  BODY_TIMEOUT_MS: int.default(30_000),
  UPSTREAM_TIMEOUT_MS: int.default(300_000),
  DRAIN_TIMEOUT_MS: int.default(30_000),
  DEBUG_ENDPOINTS: bool.default(true),
  DEBUG_DECISIONS: int.default(64),
  // Tenancy (docs/router.md "Tenancy"). Off unless TENANCY_ENABLED or a Redis URL is set.
  TENANCY_ENABLED: bool.default(false),
  /** Require a bearer credential on /v1 inference requests when tenancy is on. */
  TENANCY_AUTH: bool.default(true),
  TENANCY_REDIS_URL: z.string().optional(),
  TENANCY_FAIL_MINUTE: z.enum(["open", "closed", "local"]).default("local"),
  TENANCY_FAIL_CALENDAR: z.enum(["open", "closed", "local"]).default("open"),
  TENANCY_FAIL_CONCURRENCY: z.enum(["open", "closed", "local"]).default("local"),
  TENANCY_OUTPUT_RESERVE: int.default(768),
  TENANCY_TOKEN_COUNT: z.enum(["tokenizer", "estimate"]).default("tokenizer"),
  TENANCY_QUEUE_CAPACITY: int.optional(),
  TENANCY_QUEUE_TIMEOUT_MS: int.default(30_000),
  TENANCY_JWKS_URL: z.string().optional(),
  TENANCY_JWT_ISSUER: z.string().optional(),
  TENANCY_JWT_AUDIENCE: z.string().optional(),
  TENANCY_JWT_TENANT_CLAIM: z.string().default("tessera.io/tenant"),
  USAGE_STREAM: z.string().default("tessera:usage"),
  USAGE_SPOOL_PATH: z.string().optional(),
  TESSERA_CLUSTER: z.string().optional(),
  // Prefill/decode decider (docs/router.md "Prefill/decode disaggregation"): the router-wide kind,
  // and optionally the whole decider config as JSON (per-ModelServer overrides under "servers").
  PD_DECIDER: z.enum(["always", "threshold", "queue-aware"]).optional(),
  PD_DECIDER_CONFIG: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const r = EnvSchema.safeParse(source);
  if (!r.success) throw new Error(`invalid environment:\n${z.prettifyError(r.error)}`);
  return r.data;
}
