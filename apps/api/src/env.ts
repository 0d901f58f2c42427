// The API server's environment, validated once at start. Nothing else reads process.env.
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  TESSERA_API_HOST: z.string().default("127.0.0.1"),
  TESSERA_API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Embedded database and other local state. */
  TESSERA_DATA_DIR: z.string().default(".tessera"),
  /** Unset: embedded PostgreSQL in TESSERA_DATA_DIR/postgres (see @tessera/db). */
  DATABASE_URL: z.string().optional(),
  /**
   * 32-byte key (base64) that encrypts kubeconfigs at rest (AES-256-GCM). Required in production;
   * in development a key is generated into TESSERA_DATA_DIR/kubeconfig.key on first start.
   */
  TESSERA_KUBECONFIG_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded")
    .optional(),
  /**
   * Redis servers holding router usage streams (comma-separated: one per cluster, or one shared);
   * unset disables stream ingest. Events name their cluster, so one consumer per server suffices.
   */
  TESSERA_REDIS_URL: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((u) => u.trim())
            .filter(Boolean)
        : [],
    ),
  TESSERA_USAGE_STREAM: z.string().default("tessera:usage"),
  /** Namespace that receives Tenant and ApiKey objects in every cluster. */
  TESSERA_TENANT_NAMESPACE: z.string().default("tessera-system"),
  /** Creates this platform admin at start when no user exists yet. */
  TESSERA_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  TESSERA_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12).optional(),
  TESSERA_COOKIE_SECURE: bool.optional(),
  TESSERA_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  TESSERA_HEALTH_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
  TESSERA_CLUSTER_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  TESSERA_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.output<typeof EnvSchema>;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  if (parsed.data.NODE_ENV === "production" && !parsed.data.TESSERA_KUBECONFIG_KEY) {
    throw new Error("Invalid environment:\n  TESSERA_KUBECONFIG_KEY: required in production");
  }
  return parsed.data;
}
