import { z } from "zod";
import { describe, expect, it } from "vitest";
import { API_ERRORS, ApiError, formatPath, validationError } from "./errors.ts";

describe("error table", () => {
  it("maps codes to HTTP statuses", () => {
    expect(new ApiError("API_ERR_NOT_FOUND").status).toBe(404);
    expect(API_ERRORS.API_ERR_APPLY_CONFLICT.status).toBe(409);
    expect(API_ERRORS.API_ERR_CLUSTER_TIMEOUT.status).toBe(504);
    expect(new Set(Object.keys(API_ERRORS)).size).toBe(Object.keys(API_ERRORS).length);
  });

  it("formats zod issues with field paths and short messages", () => {
    const schema = z.object({
      roles: z.array(z.object({ replicas: z.int().min(0) })),
      labels: z.record(z.string(), z.int()),
    });
    const r = schema.safeParse({
      roles: [{ replicas: 1 }, { replicas: -1 }],
      labels: { "a/b": "x" },
    });
    if (r.success) throw new Error("expected failure");
    const err = validationError(r.error, (p) => formatPath(p, "body"));
    expect(err.issues).toEqual([
      { path: "body.roles[1].replicas", message: "must be ≥ 0" },
      { path: 'body.labels["a/b"]', message: "must be number" },
    ]);
    expect(err.message).toBe(
      'body.roles[1].replicas: must be ≥ 0; body.labels["a/b"]: must be number',
    );
  });

  it("says required for missing fields", () => {
    const r = z.object({ name: z.string() }).safeParse({});
    if (r.success) throw new Error("expected failure");
    expect(validationError(r.error).issues).toEqual([{ path: "name", message: "required" }]);
  });
});
