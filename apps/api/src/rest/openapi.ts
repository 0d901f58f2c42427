// The OpenAPI 3.0 document, generated from the procedure definitions' zod schemas (zod 4's own
// JSON Schema output), plus the hand-written auth routes. Served at /openapi.json.
import { z } from "zod";
import { API_ERRORS } from "../errors.ts";
import type { ProcedureDef } from "../trpc/procedure.ts";
import { hasBody, pathParams } from "./routes.ts";

type Json = Record<string, unknown>;

function inputSchema(def: ProcedureDef): Json {
  return z.toJSONSchema(def.input, {
    io: "input",
    target: "openapi-3.0",
    unrepresentable: "any",
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function operation(def: ProcedureDef): Json {
  const schema = inputSchema(def);
  const props = (schema["properties"] ?? {}) as Record<string, Json>;
  const required = new Set((schema["required"] ?? []) as string[]);
  const inPath = pathParams(def.rest.path);
  const parameters: Json[] = inPath.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: props[name] ?? { type: "string" },
  }));
  let requestBody: Json | undefined;
  const rest = Object.fromEntries(Object.entries(props).filter(([k]) => !inPath.includes(k)));
  if (hasBody(def)) {
    const bodyRequired = [...required].filter((k) => !inPath.includes(k));
    requestBody = {
      required: bodyRequired.length > 0,
      content: {
        "application/json": {
          schema: {
            ...schema,
            properties: rest,
            ...(bodyRequired.length ? { required: bodyRequired } : { required: undefined }),
          },
        },
      },
    };
  } else {
    for (const [name, s] of Object.entries(rest))
      parameters.push({ name, in: "query", required: required.has(name), schema: s });
  }
  return {
    operationId: def.name,
    summary: def.summary,
    tags: def.tags,
    "x-tessera-access": def.access,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    ...(def.access === "public" ? { security: [] } : {}),
    responses: {
      "200": { description: "OK", content: { "application/json": { schema: {} } } },
      "400": errorResponse("Invalid input (issues name each field path)"),
      ...(def.access === "public"
        ? {}
        : {
            "401": errorResponse("Not signed in"),
            "403": errorResponse("Role or CSRF check failed"),
          }),
      "404": errorResponse("Not found (also: a tenant the caller does not belong to)"),
    },
  };
}

export function buildOpenApi(procedures: readonly ProcedureDef[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const def of procedures) {
    const p = (paths[def.rest.path] ??= {});
    p[def.rest.method.toLowerCase()] = operation(def);
  }
  paths["/v1/auth/login"] = {
    post: {
      operationId: "auth.login",
      summary:
        "Operator login: sets the session cookie and the CSRF cookie; returns a bearer token too",
      tags: ["auth"],
      security: [],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              properties: {
                email: { type: "string", format: "email" },
                password: { type: "string" },
              },
              required: ["email", "password"],
            },
          },
        },
      },
      responses: {
        "200": { description: "Signed in", content: { "application/json": { schema: {} } } },
        "401": errorResponse("Wrong email or password"),
        "429": errorResponse("Too many attempts"),
      },
    },
  };
  paths["/v1/auth/logout"] = {
    post: {
      operationId: "auth.logout",
      summary: "End the session",
      tags: ["auth"],
      responses: { "200": { description: "Signed out" } },
    },
  };
  return {
    openapi: "3.0.3",
    info: {
      title: "Tessera API",
      version,
      description:
        "Multi-cluster control plane and MaaS tenant API. Every operation is also a tRPC procedure of the same name. " +
        "Authenticate with `Authorization: Bearer <token>` (a session token from /v1/auth/login, or a tenant API key for " +
        "tenant-scoped reads), or with the session cookie plus `x-csrf-token` on state-changing requests.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [...new Set(procedures.flatMap((d) => d.tags))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "tessera_session" },
      },
      schemas: {
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: {
                code: { type: "string", enum: Object.keys(API_ERRORS) },
                message: { type: "string" },
                issues: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: { path: { type: "string" }, message: { type: "string" } },
                  },
                },
                details: { type: "object" },
              },
              required: ["code", "message"],
            },
          },
        },
      },
    },
  };
}
