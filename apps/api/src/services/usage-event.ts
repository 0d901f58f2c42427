// The router usage event: one entry of a router's usage stream (Redis Stream field `event`, JSON)
// or of POST /v1/usage/events. Routers name the caller with `credential` (an API key, or the
// subject of a verified JWT). Events of routers from before `credential` existed carry only
// `apiKeyId`: a key's UUID, or "jwt:<sub>" for JWT callers, which the API used to reject (they sit
// in `<stream>:rejected`) and now ingests as a JWT credential, so those entries can be replayed.
import { z } from "zod";

const ApiKeyCredentialSchema = z.strictObject({
  type: z.literal("apiKey"),
  id: z.uuid({ error: "must be the API key's UUID" }),
});

const JwtCredentialSchema = z.strictObject({
  type: z.literal("jwt"),
  subject: z.string().min(1).max(255).describe("The token's `sub` claim."),
  issuer: z.string().min(1).max(512).optional().describe("The token's `iss` claim."),
});

export const CredentialSchema = z.discriminatedUnion("type", [
  ApiKeyCredentialSchema,
  JwtCredentialSchema,
]);
export type Credential = z.output<typeof CredentialSchema>;

/** The prefix older routers put before a JWT caller's `sub` in `apiKeyId`. */
const LEGACY_JWT_PREFIX = "jwt:";

const isUuid = (v: string) => z.uuid().safeParse(v).success;
const LegacyApiKeyId = z
  .string()
  .refine(
    (v) =>
      isUuid(v) ||
      (v.startsWith(LEGACY_JWT_PREFIX) &&
        v.length > LEGACY_JWT_PREFIX.length &&
        v.length <= LEGACY_JWT_PREFIX.length + 255),
    { error: 'must be an API key UUID or "jwt:<sub>" (sub of 1–255 characters)' },
  );

function legacyCredential(apiKeyId: string): Credential {
  return apiKeyId.startsWith(LEGACY_JWT_PREFIX)
    ? { type: "jwt", subject: apiKeyId.slice(LEGACY_JWT_PREFIX.length) }
    : { type: "apiKey", id: apiKeyId };
}

export const RouterUsageEventSchema = z
  .object({
    requestId: z
      .string()
      .min(1)
      .max(128)
      .describe(
        "The router's id for the request, unique per request and kept across retries: ingest is idempotent by it.",
      ),
    clientRequestId: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe(
        "The client's x-request-id, when it sent one (clients may reuse it; routers before it existed sent it as requestId).",
      ),
    tenant: z.string().min(1).describe("Tenant object name (slug)."),
    credential: CredentialSchema.optional().describe(
      'The caller: {type: "apiKey", id} or {type: "jwt", subject, issuer?}.',
    ),
    apiKeyId: LegacyApiKeyId.optional().describe(
      'Older routers\' caller field (a key UUID or "jwt:<sub>"); with `credential`, the same key id.',
    ),
    model: z.string().min(1).max(253).describe("The model the client asked for (priced)."),
    servedModel: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe("The model sent to the engine after the ModelRoute/ModelServer rewrite."),
    cluster: z.string().optional().describe("Cluster name as registered in Tessera."),
    modelServer: z.string().max(253).optional(),
    endpoint: z.string().max(253).optional(),
    inputTokens: z.int().min(0),
    cachedInputTokens: z.int().min(0).default(0),
    outputTokens: z.int().min(0),
    ttftMs: z.int().min(0).optional(),
    durationMs: z.int().min(0),
    statusCode: z.int().min(100).max(599),
    occurredAt: z.union([z.iso.datetime({ offset: true }), z.int().min(0)]),
  })
  .superRefine((e, ctx) => {
    if (e.credential === undefined && e.apiKeyId === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["credential"],
        message: 'required: {type: "apiKey", id} or {type: "jwt", subject} (or an older apiKeyId)',
      });
    // Current routers send both for API keys (so an older API can still ingest them); they must
    // agree, or the record would be attributed by a guess.
    if (
      e.credential !== undefined &&
      e.apiKeyId !== undefined &&
      (e.credential.type !== "apiKey" || e.credential.id !== e.apiKeyId)
    )
      ctx.addIssue({
        code: "custom",
        path: ["apiKeyId"],
        message: "must be credential.id of an apiKey credential when both are sent",
      });
  })
  .transform(({ apiKeyId, credential, ...e }) => ({
    ...e,
    // Present whenever the refinement passed.
    credential: credential ?? legacyCredential(apiKeyId ?? ""),
  }));
export type RouterUsageEvent = z.input<typeof RouterUsageEventSchema>;
export type ParsedUsageEvent = z.output<typeof RouterUsageEventSchema>;
