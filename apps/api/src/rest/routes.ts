// REST routes generated from the same ProcedureDefs tRPC serves: path parameters, query string
// (GET/DELETE) and JSON body are merged into the procedure's input and parsed by its zod schema;
// errors name where the field came from (`body.roles[1].replicas`, `path.tenantId`, `query.limit`).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, validationError, formatPath } from "../errors.ts";
import { authorize, tenantIdOf } from "../services/authz.ts";
import type { Services } from "../services/index.ts";
import type { HandlerContext, ProcedureDef } from "../trpc/procedure.ts";

export const toFastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ":$1");
export const pathParams = (path: string): string[] =>
  [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");

export function hasBody(def: ProcedureDef): boolean {
  return def.rest.method !== "GET" && def.rest.method !== "DELETE";
}

function gather(def: ProcedureDef, req: FastifyRequest) {
  const params = (req.params ?? {}) as Record<string, string>;
  const query = (req.query ?? {}) as Record<string, unknown>;
  const body = hasBody(def) ? (req.body ?? {}) : {};
  if (hasBody(def) && (typeof body !== "object" || Array.isArray(body))) {
    throw new ApiError("API_ERR_VALIDATION", "body: must be a JSON object", {
      issues: [{ path: "body", message: "must be a JSON object" }],
    });
  }
  const bodyObj = body as Record<string, unknown>;
  const input: Record<string, unknown> = { ...query, ...bodyObj, ...params };
  const locate = (path: readonly PropertyKey[]) => {
    const first = String(path[0] ?? "");
    const where =
      first in params
        ? "path"
        : hasBody(def) && first in bodyObj
          ? "body"
          : first in query
            ? "query"
            : hasBody(def)
              ? "body"
              : "query";
    return formatPath(path, where);
  };
  return { input, params, locate };
}

export function registerRestRoutes(
  app: FastifyInstance,
  procedures: readonly ProcedureDef[],
  services: Services,
): void {
  for (const def of procedures) {
    app.route({
      method: def.rest.method,
      url: toFastifyPath(def.rest.path),
      handler: async (req) => {
        const { input, locate } = gather(def, req);
        // Access before validation; the tenant comes from the path (or, for the few operations
        // that filter by tenant in the query, from there), the same raw value tRPC checks.
        authorize(def.access, req.actor, tenantIdOf(input));
        const parsed = def.input.safeParse(input);
        if (!parsed.success) throw validationError(parsed.error, locate);
        const ctx: HandlerContext = {
          actor: req.actor as HandlerContext["actor"],
          services,
          request: { requestId: req.id, ip: req.ip, userAgent: req.headers["user-agent"] },
        };
        return def.handler({ ctx, input: parsed.data });
      },
    });
  }
}
