// A procedure is defined once — name, REST route, access rule, zod input, handler — and served both
// by tRPC (trpc/init.ts) and by REST (rest/routes.ts); the OpenAPI document is generated from the
// same definitions (rest/openapi.ts). Handlers get a plain context and input, so tests call them
// without tRPC or HTTP.
import type { z } from "zod";
import type { Services } from "../services/index.ts";

export type PlatformRoleName = "ADMIN" | "OPERATOR" | "MEMBER";
export type TenantRoleName = "TENANT_ADMIN" | "VIEWER";

export type Actor =
  | {
      type: "user";
      userId: string;
      email: string;
      platformRole: PlatformRoleName;
      /** tenantId → role */
      memberships: ReadonlyMap<string, TenantRoleName>;
      /** Cookie sessions need a CSRF token on mutations; bearer sessions do not. */
      via: "cookie" | "bearer";
      sessionId: string;
    }
  | { type: "apiKey"; apiKeyId: string; prefix: string; tenantId: string };

/**
 * Who may call a procedure:
 * - `public`: anyone; `authed`: any signed-in user or tenant API key; `user`: signed-in users only;
 * - `operator`: platform ADMIN or OPERATOR (clusters, deployments, designs);
 * - `admin`: platform ADMIN (users, tenants, prices);
 * - `tenant-viewer` / `tenant-admin`: the input's `tenantId` must be a tenant the caller belongs to
 *   (platform admins belong to every tenant; a tenant API key is a viewer of its own tenant).
 *   Anything else is reported as "tenant not found" so tenants cannot probe each other.
 */
export type Access =
  "public" | "authed" | "user" | "operator" | "admin" | "tenant-viewer" | "tenant-admin";

export interface RequestMeta {
  requestId: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface HandlerContext<A extends Actor | null = Actor> {
  actor: A;
  services: Services;
  request: RequestMeta;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ProcedureDef<I extends z.ZodType = z.ZodType, O = unknown> {
  /** `tenants.create`: tRPC path and OpenAPI operationId. */
  name: string;
  type: "query" | "mutation";
  /** REST route; `{param}` segments are filled from input fields of the same name. */
  rest: { method: HttpMethod; path: string };
  access: Access;
  summary: string;
  tags: string[];
  input: I;
  handler: (opts: { ctx: HandlerContext; input: z.output<I> }) => Promise<O>;
}

export function defineProcedure<I extends z.ZodType, O>(
  def: ProcedureDef<I, O>,
): ProcedureDef<I, O> {
  return def;
}
