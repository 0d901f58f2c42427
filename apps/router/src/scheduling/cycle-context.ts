import type { CycleContext } from "../framework/scheduling.ts";

export class Cycle implements CycleContext {
  readonly profile: string;
  readonly now: number;
  #state: Map<string, unknown> | null = null;

  constructor(profile: string, now: number) {
    this.profile = profile;
    this.now = now;
  }

  get<T>(key: string): T | undefined {
    return this.#state?.get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    (this.#state ??= new Map()).set(key, value);
  }
}
