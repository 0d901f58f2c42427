// 1. CONTEXT: what every procedure sees. Built from the Fastify request (whose auth plugin has
// already resolved the caller) so tRPC and REST share the same actor and services.
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
// The auth plugin augments FastifyRequest with `actor`; importing its types here makes the augmentation
// part of what `AppRouter` consumers (the console) type-check, not only of the API's own build.
import type {} from "../plugins/auth.ts";
import type { Services } from "../services/index.ts";
import type { Actor, RequestMeta } from "./procedure.ts";

export interface TrpcContext {
  actor: Actor | null;
  services: Services;
  request: RequestMeta;
}

export function createContextFactory(services: Services) {
  return ({ req }: CreateFastifyContextOptions): TrpcContext => ({
    actor: req.actor ?? null,
    services,
    request: { requestId: req.id, ip: req.ip, userAgent: req.headers["user-agent"] },
  });
}
