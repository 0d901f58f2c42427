import { describe, expect, it } from "vitest";
import type { ApiError } from "../errors.ts";
import type { Actor } from "../trpc/procedure.ts";
import { authorize } from "./authz.ts";

const user = (
  platformRole: "ADMIN" | "OPERATOR" | "MEMBER",
  memberships: [string, "TENANT_ADMIN" | "VIEWER"][] = [],
): Actor => ({
  type: "user",
  userId: "u",
  email: "e",
  platformRole,
  memberships: new Map(memberships),
  via: "bearer",
  sessionId: "s",
});
const code = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as ApiError).code;
  }
};

describe("authorize", () => {
  it("hides other tenants behind 404, whatever the operation's role", () => {
    const a = user("MEMBER", [["A", "TENANT_ADMIN"]]);
    expect(code(() => authorize("tenant-viewer", a, "B"))).toBe("API_ERR_NOT_FOUND");
    expect(code(() => authorize("admin", a, "B"))).toBe("API_ERR_NOT_FOUND");
    expect(code(() => authorize("admin", a, "A"))).toBe("API_ERR_FORBIDDEN");
    expect(code(() => authorize("tenant-admin", a, "A"))).toBeUndefined();
  });

  it("lets viewers and API keys read but not administer their tenant", () => {
    const key: Actor = { type: "apiKey", apiKeyId: "k", prefix: "tsk_x", tenantId: "A" };
    expect(code(() => authorize("tenant-viewer", key, "A"))).toBeUndefined();
    expect(code(() => authorize("tenant-admin", key, "A"))).toBe("API_ERR_FORBIDDEN");
    expect(code(() => authorize("tenant-admin", user("MEMBER", [["A", "VIEWER"]]), "A"))).toBe(
      "API_ERR_FORBIDDEN",
    );
    expect(code(() => authorize("operator", key, undefined))).toBe("API_ERR_FORBIDDEN");
  });

  it("gives platform admins every tenant and operators only platform operations", () => {
    expect(code(() => authorize("tenant-admin", user("ADMIN"), "Z"))).toBeUndefined();
    expect(code(() => authorize("operator", user("OPERATOR"), undefined))).toBeUndefined();
    expect(code(() => authorize("admin", user("OPERATOR"), undefined))).toBe("API_ERR_FORBIDDEN");
    expect(code(() => authorize("tenant-viewer", user("OPERATOR"), "Z"))).toBe("API_ERR_NOT_FOUND");
    expect(code(() => authorize("authed", null, undefined))).toBe("API_ERR_UNAUTHENTICATED");
  });
});
