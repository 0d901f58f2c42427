import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { applyStaticDefaults, applySystemDefaults } from "./defaults.ts";
import { SCHEDULER_CONFIG_KIND, SchedulerConfigSchema } from "./scheduler-config.ts";
import type { ResolvedSchedulerConfig } from "./scheduler-config.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Validates a raw (already YAML-parsed) scheduler config and applies both default phases. */
export function resolveSchedulerConfig(
  raw: unknown,
  isPicker: (type: string) => boolean,
): ResolvedSchedulerConfig {
  const parsed = SchedulerConfigSchema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new ConfigError(`invalid scheduler config: ${z.prettifyError(parsed.error)}`);
  const cfg = parsed.data;
  const names = new Set<string>();
  for (const p of applyStaticDefaults(cfg)) {
    if (names.has(p.name)) throw new ConfigError(`duplicate plugin name "${p.name}"`);
    names.add(p.name);
  }
  const resolved = applySystemDefaults(applyStaticDefaults(cfg), cfg, isPicker);
  const declared = new Set(resolved.plugins.map((p) => p.name));
  for (const prof of resolved.profiles) {
    for (const ref of prof.plugins) {
      if (!declared.has(ref.pluginRef)) {
        throw new ConfigError(
          `profile "${prof.name}" references unknown plugin "${ref.pluginRef}"`,
        );
      }
    }
  }
  return resolved;
}

/**
 * Reads a scheduler config from YAML text. The text may be a bare SchedulerConfig document or a
 * multi-document file in which one document has `kind: SchedulerConfig`.
 */
export function parseSchedulerConfigText(text: string): unknown {
  const docs = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length > 0)
      throw new ConfigError(`YAML: ${d.errors[0]?.message ?? "parse error"}`);
    const v: unknown = d.toJS();
    if (v !== null && v !== undefined) values.push(v);
  }
  const tagged = values.find((v) => isObject(v) && v.kind === SCHEDULER_CONFIG_KIND);
  if (tagged !== undefined) return tagged;
  if (values.length === 1) return values[0];
  throw new ConfigError(`expected one document of kind ${SCHEDULER_CONFIG_KIND}`);
}

export function loadSchedulerConfigFile(path: string): unknown {
  return parseSchedulerConfigText(readFileSync(path, "utf8"));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
