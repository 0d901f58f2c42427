// Validation of objects read from a file or an informer. ModelRoute and ModelServer go through
// @tessera/shared's validateManifest (the same schemas and rules the CRDs carry, defaults applied);
// a Pod only needs the few fields the router reads.
import { validateManifest } from "@tessera/shared";
import { z } from "zod";

const PodSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal("Pod").optional(),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.union([z.string(), z.date()]).nullable().optional(),
  }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      podIP: z.string().optional(),
      startTime: z.union([z.string(), z.date()]).nullable().optional(),
      conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).optional(),
    })
    .optional(),
});

export class InvalidObjectError extends Error {
  override readonly name = "InvalidObjectError";
}

/** Returns the validated object (with defaults) or throws InvalidObjectError naming `where`. */
export function validateObject(
  kind: "ModelRoute" | "ModelServer" | "Pod" | "Tenant" | "ApiKey",
  obj: unknown,
  where: string,
): unknown {
  if (kind === "Pod") {
    const r = PodSchema.safeParse(obj);
    if (!r.success) throw new InvalidObjectError(`${where}: ${z.prettifyError(r.error)}`);
    return r.data;
  }
  const r = validateManifest(obj);
  if ("skipped" in r)
    throw new InvalidObjectError(
      `${where}: apiVersion ${r.apiVersion} is not a kind the router reads`,
    );
  if (!r.ok)
    throw new InvalidObjectError(
      `${where}: ${r.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  if (r.kind !== kind) throw new InvalidObjectError(`${where}: expected ${kind}, got ${r.kind}`);
  return r.value;
}
