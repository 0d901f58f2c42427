// Plugin registry: plugin type → factory plus the extension points the type fills (known before
// instantiation so configuration defaults can tell whether a profile already has a picker).
import type { PluginFactory } from "../framework/plugin.ts";

export type ExtensionPoint = "filter" | "scorer" | "picker" | "postResponse";

export interface Registration {
  readonly type: string;
  readonly factory: PluginFactory;
  readonly points: readonly ExtensionPoint[];
}

export class PluginRegistry {
  readonly #byType = new Map<string, Registration>();

  register(type: string, factory: PluginFactory, points: readonly ExtensionPoint[]): void {
    if (this.#byType.has(type)) throw new Error(`plugin type "${type}" registered twice`);
    this.#byType.set(type, { type, factory, points });
  }

  get(type: string): Registration | undefined {
    return this.#byType.get(type);
  }

  isPicker = (type: string): boolean => this.#byType.get(type)?.points.includes("picker") ?? false;

  types(): string[] {
    return [...this.#byType.keys()].sort();
  }
}
