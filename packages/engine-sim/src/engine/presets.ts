// Named engine presets. Step-cost coefficients are in milliseconds; see docs/engine-sim.md for sources.
// Every number is a *derived* figure from /work/shared/reference/performance.md §1.3 and §1.5.

export interface EngineParams {
  /** Preset this came from (informational). */
  name: string;
  /** Fixed cost of every step, ms (kernel launches, sampling, scheduler). */
  t0Ms: number;
  /** Per uncached prefill token, ms. */
  tPrefillMs: number;
  /** Per decode sequence in the batch, ms. */
  tSeqMs: number;
  /** Per context token read by the decode sequences (attention over the KV cache), ms. */
  tKvMs: number;
  /** Per token of KV received from a prefill instance (P/D), ms, plus a fixed setup per request. */
  tTransferMs: number;
  transferSetupMs: number;
  /** Fixed per-request overhead before the request reaches the scheduler (HTTP, tokenizer), ms. */
  requestOverheadMs: number;
  /** Relative standard deviation of the Gaussian jitter applied to each step (0 disables). */
  jitter: number;
  blockSize: number;
  numBlocks: number;
  /** Fraction of blocks that must stay free when admitting a new request (vLLM's watermark). */
  watermark: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  maxModelLen: number;
  enableChunkedPrefill: boolean;
  enablePrefixCaching: boolean;
  /** Maximum number of LoRA adapters loaded at once (vLLM `--max-loras`). */
  maxLoras: number;
  /** Output length when a request gives no max_tokens: uniform in [min, max], capped by the context. */
  defaultOutputTokens: [number, number];
}

const BASE = {
  tTransferMs: 0.003, // IB NDR ≈ 3 µs per token for an 8B model (≈ 128 KB/token)
  transferSetupMs: 1,
  requestOverheadMs: 2,
  jitter: 0.05,
  watermark: 0.01,
  enableChunkedPrefill: true,
  enablePrefixCaching: true,
  maxLoras: 4,
  defaultOutputTokens: [16, 256] as [number, number],
} as const;

export const PRESETS: Readonly<Record<string, EngineParams>> = {
  /** Llama-3.1-8B on one H100 (vLLM defaults for ≥70 GiB non-A100 GPUs). */
  "8B-H100": {
    ...BASE,
    name: "8B-H100",
    t0Ms: 6,
    tPrefillMs: 0.02,
    tSeqMs: 0.005,
    tKvMs: 4e-5,
    blockSize: 16,
    numBlocks: 29_205,
    maxNumSeqs: 1024,
    maxNumBatchedTokens: 8192,
    maxModelLen: 32_768,
  },
  /** A 7B model on one A100 (vLLM defaults for A100-class GPUs). */
  "7B-A100": {
    ...BASE,
    name: "7B-A100",
    t0Ms: 10,
    tPrefillMs: 0.065,
    tSeqMs: 0.01,
    tKvMs: 6e-5,
    blockSize: 16,
    numBlocks: 25_000,
    maxNumSeqs: 256,
    maxNumBatchedTokens: 2048,
    maxModelLen: 32_768,
  },
  /** DeepSeek-R1-Distill-Qwen-7B as implied by the Kthena router benchmark (performance.md §1.5). */
  "kthena-7B": {
    ...BASE,
    name: "kthena-7B",
    t0Ms: 15,
    tPrefillMs: 0.083, // ≈ 12k prefill tok/s per replica
    tSeqMs: 0.3, // ≈ 45 ms per decode step at 100 sequences
    tKvMs: 0,
    blockSize: 128,
    numBlocks: 3125, // ≈ 400k tokens per replica
    maxNumSeqs: 256,
    maxNumBatchedTokens: 65_536,
    maxModelLen: 32_768,
  },
  /** Small and fast, for tests: few blocks so cache pressure and preemption are easy to provoke. */
  tiny: {
    ...BASE,
    name: "tiny",
    t0Ms: 5,
    tPrefillMs: 0.05,
    tSeqMs: 0.1,
    tKvMs: 1e-4,
    requestOverheadMs: 0,
    jitter: 0,
    blockSize: 16,
    numBlocks: 512,
    maxNumSeqs: 16,
    maxNumBatchedTokens: 2048,
    maxModelLen: 4096,
  },
};

export type PresetName = keyof typeof PRESETS;

export function resolveParams(
  preset: string = "8B-H100",
  overrides: Partial<EngineParams> = {},
): EngineParams {
  const base = PRESETS[preset];
  if (!base)
    throw new Error(`unknown preset "${preset}" (known: ${Object.keys(PRESETS).join(", ")})`);
  return { ...base, ...overrides };
}
