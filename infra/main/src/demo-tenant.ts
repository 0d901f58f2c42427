// Creates (once) the demo tenant and its API key through the API's REST interface, exactly as an
// operator would, so they show up in the console and the audit log like anything else.
import { call } from "./api.ts";
import type { Session } from "./api.ts";

export { login } from "./api.ts";

export interface DemoTenant {
  tenantId: string;
  slug: string;
  keyId: string;
  secret: string;
}

/**
 * Returns the demo tenant with a working key: the stored one when the API still lists it as
 * active, otherwise a new one (a key's secret cannot be read back, so a lost one is replaced).
 */
export async function ensureDemoTenant(
  s: Session,
  model: string,
  stored: { id: string; secret: string } | undefined,
): Promise<DemoTenant> {
  const slug = "demo";
  const tenants = await call<{ id: string; slug: string }[]>(s, "GET", "/v1/tenants");
  const tenant =
    tenants.find((t) => t.slug === slug) ??
    (await call<{ id: string; slug: string }>(s, "POST", "/v1/tenants", {
      slug,
      name: "Demo tenant",
      description: "Created by npm start",
    }));
  if (stored) {
    const keys = await call<{ id: string; revokedAt: string | null }[]>(
      s,
      "GET",
      `/v1/tenants/${tenant.id}/keys`,
    );
    if (keys.some((k) => k.id === stored.id && !k.revokedAt)) {
      return { tenantId: tenant.id, slug, keyId: stored.id, secret: stored.secret };
    }
  }
  const created = await call<{ key: { id: string }; secret: string }>(
    s,
    "POST",
    `/v1/tenants/${tenant.id}/keys`,
    { name: "npm start demo key", models: [model] },
  );
  return { tenantId: tenant.id, slug, keyId: created.key.id, secret: created.secret };
}
