// Validates one decoded manifest (any JSON-like value) against Tessera's schemas.
//
// Result shapes (discriminate with `"skipped" in r`, then `r.ok`):
//   { ok: true,  kind, apiVersion, value }   value is the parsed object with defaults applied
//   { ok: false, kind?, name?, issues }      issues: [{ path: "spec.x[0].y", message }]
//   { skipped: true, kind, apiVersion }      a kind Tessera does not own (Deployment, Service, ...)
import type { z } from "zod";
import { findResource, knownGroups } from "../api/registry.ts";
import type { KnownResource } from "../api/registry.ts";
import { toManifestIssues } from "./issues.ts";
import type { ManifestIssue } from "./issues.ts";

export type { ManifestIssue };

export type ValidManifest = {
  [K in KnownResource as K["kind"]]: {
    ok: true;
    kind: K["kind"];
    apiVersion: string;
    value: z.output<K["schema"]>;
  };
}[KnownResource["kind"]];

export interface InvalidManifest {
  ok: false;
  kind?: string;
  name?: string;
  issues: ManifestIssue[];
}

export interface SkippedManifest {
  skipped: true;
  kind: string;
  apiVersion: string;
}

export type ManifestResult = ValidManifest | InvalidManifest | SkippedManifest;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nameOf(obj: Record<string, unknown>): string | undefined {
  const meta = obj["metadata"];
  if (!isRecord(meta)) return undefined;
  const name = meta["name"] ?? meta["generateName"];
  return typeof name === "string" ? name : undefined;
}

export function validateManifest(obj: unknown): ManifestResult {
  if (!isRecord(obj))
    return { ok: false, issues: [{ path: "", message: "a manifest must be a mapping" }] };
  const { apiVersion, kind } = obj;
  const name = nameOf(obj);
  const header: ManifestIssue[] = [];
  if (typeof apiVersion !== "string" || apiVersion === "")
    header.push({ path: "apiVersion", message: "required" });
  if (typeof kind !== "string" || kind === "") header.push({ path: "kind", message: "required" });
  if (typeof apiVersion !== "string" || typeof kind !== "string" || header.length > 0) {
    return {
      ok: false,
      ...(typeof kind === "string" && kind ? { kind } : {}),
      ...(name ? { name } : {}),
      issues: header,
    };
  }
  const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
  const resource = knownGroups.has(group) ? findResource(group, kind) : undefined;
  if (!resource) return { skipped: true, kind, apiVersion };
  if (resource.apiVersion !== apiVersion) {
    return {
      ok: false,
      kind,
      ...(name ? { name } : {}),
      issues: [{ path: "apiVersion", message: `must be ${resource.apiVersion} for ${kind}` }],
    };
  }
  const parsed = (resource.schema as z.ZodType).safeParse(obj, { reportInput: true });
  if (!parsed.success)
    return {
      ok: false,
      kind,
      ...(name ? { name } : {}),
      issues: toManifestIssues(parsed.error.issues),
    };
  return { ok: true, kind, apiVersion, value: parsed.data } as ValidManifest;
}
