// Runtime LoRA adapters, as vLLM's /v1/load_lora_adapter and /v1/unload_lora_adapter
// (VLLM_ALLOW_RUNTIME_LORA_UPDATING=True). vLLM keeps at most --max-cpu-loras adapters in an LRU; the
// simulator instead refuses to load beyond `maxLoras` (documented deviation: explicit beats eviction).

export interface LoraAdapter {
  name: string;
  path: string;
  id: number;
  loadedAt: number;
}

export class LoraRegistry {
  private readonly adapters = new Map<string, LoraAdapter>();
  private nextId = 1;

  readonly maxLoras: number;

  constructor(maxLoras: number) {
    this.maxLoras = maxLoras;
  }

  get(name: string): LoraAdapter | undefined {
    return this.adapters.get(name);
  }

  list(): LoraAdapter[] {
    return [...this.adapters.values()];
  }

  load(
    name: string,
    path: string,
  ): { ok: true; adapter: LoraAdapter } | { ok: false; message: string } {
    if (this.adapters.has(name))
      return { ok: false, message: `The lora adapter '${name}' has already been loaded.` };
    if (this.adapters.size >= this.maxLoras)
      return {
        ok: false,
        message: `Cannot load LoRA adapter '${name}': the maximum number of loaded adapters (${this.maxLoras}) is reached.`,
      };
    const adapter = { name, path, id: this.nextId++, loadedAt: Date.now() / 1000 };
    this.adapters.set(name, adapter);
    return { ok: true, adapter };
  }

  unload(name: string): boolean {
    return this.adapters.delete(name);
  }
}
