// Scheduler configuration: a small YAML document modelled on GIE's EndpointPickerConfig, so
// operators who know GIE or llm-d read it at once. Plugins are declared once (type + instance name +
// parameters); profiles reference them by name and carry the weights.
import { z } from "zod";

export const SCHEDULER_CONFIG_KIND = "SchedulerConfig";

export const PluginSpecSchema = z.strictObject({
  type: z.string().min(1),
  name: z.string().min(1).optional(),
  parameters: z.unknown().optional(),
});

export const PluginRefSchema = z.strictObject({
  pluginRef: z.string().min(1),
  weight: z.number().min(0).optional(),
});

export const ProfileSchema = z.strictObject({
  name: z.string().min(1),
  /** Length of the ordered fallback list the picker returns (tried in order on upstream failure). */
  maxCandidates: z.number().int().min(1).max(32).optional(),
  plugins: z.array(PluginRefSchema).default([]),
});

export const SchedulerConfigSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal(SCHEDULER_CONFIG_KIND).optional(),
  plugins: z.array(PluginSpecSchema).default([]),
  profiles: z.array(ProfileSchema).default([]),
});

export type PluginSpec = z.infer<typeof PluginSpecSchema>;
export type SchedulerConfigInput = z.input<typeof SchedulerConfigSchema>;
export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>;

/** A fully defaulted configuration: every plugin named, every profile has weights and a picker. */
export interface ResolvedPlugin {
  readonly type: string;
  readonly name: string;
  readonly parameters: unknown;
}
export interface ResolvedProfile {
  readonly name: string;
  readonly maxCandidates: number;
  readonly plugins: readonly { readonly pluginRef: string; readonly weight: number }[];
}
export interface ResolvedSchedulerConfig {
  readonly plugins: readonly ResolvedPlugin[];
  readonly profiles: readonly ResolvedProfile[];
}
