// Defaulting is two named phases, each unit-tested:
//  1. static defaults: a plugin without a name is named after its type;
//  2. system defaults: no plugins ⇒ the built-in set; no profiles ⇒ one `default` profile that
//     references every plugin; a profile without a picker gets `max-score`; a missing weight is 1.
import type {
  ResolvedPlugin,
  ResolvedProfile,
  ResolvedSchedulerConfig,
  SchedulerConfig,
} from "./scheduler-config.ts";

export const DEFAULT_PROFILE = "default";
export const DEFAULT_MAX_CANDIDATES = 5;
export const DEFAULT_PICKER_TYPE = "max-score";

/** Built-in plugin set used when the configuration declares none. */
export const DEFAULT_PLUGINS: readonly ResolvedPlugin[] = [
  { type: "least-request", name: "least-request", parameters: {} },
  { type: "kv-cache-usage", name: "kv-cache-usage", parameters: {} },
  { type: "prefix-cache", name: "prefix-cache", parameters: {} },
  { type: "lora-affinity", name: "lora-affinity", parameters: {} },
  { type: "max-score", name: "max-score", parameters: {} },
];

/** Weights of the built-in set (balance signals 2, cache affinity 2, utilisation 1). */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  "least-request": 2,
  "kv-cache-usage": 1,
  "prefix-cache": 2,
};

export function applyStaticDefaults(cfg: SchedulerConfig): ResolvedPlugin[] {
  return cfg.plugins.map((p) => ({
    type: p.type,
    name: p.name ?? p.type,
    parameters: p.parameters ?? {},
  }));
}

/**
 * @param isPicker tells whether a plugin type is a picker (from the registry), so a profile that
 *   lacks one gets the default picker.
 */
export function applySystemDefaults(
  plugins: ResolvedPlugin[],
  cfg: SchedulerConfig,
  isPicker: (type: string) => boolean,
): ResolvedSchedulerConfig {
  const declared = plugins.length > 0 ? plugins : DEFAULT_PLUGINS.map((p) => ({ ...p }));
  const byName = new Map(declared.map((p) => [p.name, p]));
  const useBuiltinWeights = plugins.length === 0;

  const rawProfiles =
    cfg.profiles.length > 0
      ? cfg.profiles
      : [
          {
            name: DEFAULT_PROFILE,
            maxCandidates: undefined,
            plugins: declared.map((p): { pluginRef: string; weight?: number } => ({
              pluginRef: p.name,
            })),
          },
        ];

  const profiles: ResolvedProfile[] = rawProfiles.map((prof) => {
    const refs = prof.plugins.map((r) => ({
      pluginRef: r.pluginRef,
      weight: r.weight ?? (useBuiltinWeights ? (DEFAULT_WEIGHTS[r.pluginRef] ?? 1) : 1),
    }));
    const hasPicker = refs.some((r) => {
      const p = byName.get(r.pluginRef);
      return p !== undefined && isPicker(p.type);
    });
    if (!hasPicker) {
      let picker = declared.find((p) => p.type === DEFAULT_PICKER_TYPE);
      if (picker === undefined) {
        picker = { type: DEFAULT_PICKER_TYPE, name: DEFAULT_PICKER_TYPE, parameters: {} };
        declared.push(picker);
        byName.set(picker.name, picker);
      }
      refs.push({ pluginRef: picker.name, weight: 1 });
    }
    return {
      name: prof.name,
      maxCandidates: prof.maxCandidates ?? DEFAULT_MAX_CANDIDATES,
      plugins: refs,
    };
  });
  return { plugins: declared, profiles };
}
