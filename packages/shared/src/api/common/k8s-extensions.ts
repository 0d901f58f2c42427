// Kubernetes OpenAPI extensions carried on zod schemas as metadata. The CRD generator reads them;
// zod itself ignores them. Only what a structural schema needs is expressed here.
import { z } from "zod";

/**
 * A free-form object (PodSpec, affinity, engine args...): Kubernetes owns or ignores its shape, so
 * the CRD keeps unknown fields instead of pruning them and zod lets any keys through.
 */
export function freeFormObject(description?: string) {
  return z.record(z.string(), z.unknown()).meta({
    "x-kubernetes-preserve-unknown-fields": true,
    ...(description ? { description } : {}),
  });
}

/**
 * Like freeFormObject, but a few well-known fields are still checked (e.g. a PodSpec's containers).
 * Unknown fields are preserved in the CRD and accepted by zod.
 */
export function looseObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.looseObject(shape).meta({ "x-kubernetes-preserve-unknown-fields": true });
}

/** Marks an int-or-string union so the CRD generator emits `x-kubernetes-int-or-string: true`. */
export const INT_OR_STRING = { "x-kubernetes-int-or-string": true } as const;
