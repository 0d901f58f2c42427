// ApiKey (tessera.io/v1alpha1): one tenant API key as routers see it. Only the SHA-256 of the key
// is pushed; a router hashes the presented bearer token and looks the hash up.
import { z } from "zod";
import { defineResource } from "../resource.ts";
import { TESSERA_API_VERSION } from "./group.ts";

export const ApiKeySpecSchema = z.strictObject({
  tenant: z.string().min(1).max(63).describe("Name of the Tenant object the key belongs to."),
  keyHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe("Lower-case hex SHA-256 of the whole key."),
  prefix: z.string().min(1).max(32).describe("First characters of the key, for logs."),
  models: z.array(z.string().min(1)).default([]).describe("Models the key may call; empty: all."),
  expiresAt: z.string().optional().describe("RFC 3339 time after which the key is rejected."),
  revoked: z.boolean().default(false),
});
export type ApiKeySpec = z.output<typeof ApiKeySpecSchema>;

export const ApiKeyResource = defineResource({
  apiVersion: TESSERA_API_VERSION,
  kind: "ApiKey",
  plural: "apikeys",
  description: "A tenant API key (hash only), checked by routers.",
  spec: ApiKeySpecSchema,
  status: z.strictObject({ observedGeneration: z.int().optional() }),
  crd: {
    categories: ["tessera"],
    printerColumns: [
      { name: "Tenant", type: "string", jsonPath: ".spec.tenant" },
      { name: "Prefix", type: "string", jsonPath: ".spec.prefix" },
      { name: "Revoked", type: "boolean", jsonPath: ".spec.revoked" },
    ],
  },
});
export const ApiKeyObjectSchema = ApiKeyResource.schema;
export type ApiKeyObject = z.output<typeof ApiKeyResource.schema>;
