import { describe, expect, it } from "vitest";
import { redactValues, valuesError } from "./components.ts";

describe("valuesError", () => {
  it("turns helm's schema errors into one issue per field", () => {
    const e = valuesError(
      "helm template failed: Error: values don't meet the specifications of the schema(s) in the following chart(s):\ntessera:\n- at '/router/replicaCount': got string, want integer\n- at '/redis': additional properties 'foo' not allowed",
    );
    expect(e.status).toBe(400);
    expect(e.issues).toEqual([
      { path: "values.router.replicaCount", message: "got string, want integer" },
      { path: "values.redis", message: "additional properties 'foo' not allowed" },
    ]);
    expect(e.message).toBe(
      "values.router.replicaCount: got string, want integer; values.redis: additional properties 'foo' not allowed",
    );
  });

  it("keeps any other helm failure as one issue on values", () => {
    const e = valuesError("helm template failed: Error: template: boom");
    expect(e.issues).toEqual([{ path: "values", message: "template: boom" }]);
  });
});

describe("redactValues", () => {
  it("hides strings under keys that may hold credentials, keeps the rest", () => {
    expect(
      redactValues({
        redis: { mode: "external", url: "redis://:hunter2@r:6379", existingSecret: "" },
        api: { token: "abc", replicaCount: 2, apiKey: "k" },
        router: { logLevel: "debug", extraEnv: [{ name: "X", password: "p" }] },
      }),
    ).toEqual({
      redis: { mode: "external", url: "[redacted]", existingSecret: "" },
      api: { token: "[redacted]", replicaCount: 2, apiKey: "[redacted]" },
      router: { logLevel: "debug", extraEnv: [{ name: "X", password: "[redacted]" }] },
    });
  });
});
