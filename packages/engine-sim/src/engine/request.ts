// One request inside the engine.

import {
  blockHashes,
  blockHashesInRange,
  ROOT_BLOCK_HASH,
} from "@tessera/shared/tokens/block-hash";
import type { BlockHash } from "@tessera/shared/tokens/block-hash";

export type RequestStatus = "held" | "waiting" | "running" | "finished";
export type FinishReason = "stop" | "length" | "abort" | "error";

export interface RequestTimings {
  /** Simulated seconds. */
  arrival: number;
  firstScheduled?: number;
  firstToken?: number;
  lastToken?: number;
  finished?: number;
}

export class EngineRequest {
  readonly id: string;
  /** Order of arrival at this engine (0, 1, …); seeds the output tokens. */
  readonly seq: number;
  readonly promptTokens: readonly number[];
  readonly outputTokens: number[] = [];
  readonly maxTokens: number;
  readonly lora: string | undefined;
  status: RequestStatus = "waiting";
  /** Tokens whose KV is computed (or transferred) and resident. */
  numComputed = 0;
  /** Block ids, in order. */
  blocks: number[] = [];
  /** How many leading blocks are already registered in the prefix cache. */
  numHashedBlocks = 0;
  /** Prompt tokens found in the local prefix cache when first scheduled. */
  cachedTokens = 0;
  /** Prompt tokens whose KV comes from a prefill instance (P/D decode side). */
  remoteTokens = 0;
  numPreemptions = 0;
  finishReason: FinishReason | undefined;
  readonly timings: RequestTimings;
  /** Simulated time of each generated token. */
  readonly tokenTimes: number[] = [];
  private hashes: BlockHash[] = [];

  constructor(init: {
    id: string;
    seq: number;
    promptTokens: readonly number[];
    maxTokens: number;
    lora?: string | undefined;
    arrival: number;
  }) {
    this.id = init.id;
    this.seq = init.seq;
    this.promptTokens = init.promptTokens;
    this.maxTokens = init.maxTokens;
    this.lora = init.lora;
    this.timings = { arrival: init.arrival };
  }

  get numPromptTokens(): number {
    return this.promptTokens.length;
  }

  /** Prompt plus generated tokens. */
  get numTokens(): number {
    return this.promptTokens.length + this.outputTokens.length;
  }

  tokenAt(i: number): number {
    const p = this.promptTokens.length;
    return i < p ? (this.promptTokens[i] ?? 0) : (this.outputTokens[i - p] ?? 0);
  }

  /** Tokens [start, end) as an array. */
  tokenSlice(start: number, end: number): number[] {
    const p = this.promptTokens.length;
    if (end <= p) return this.promptTokens.slice(start, end);
    const out: number[] = [];
    for (let i = start; i < end; i++) out.push(this.tokenAt(i));
    return out;
  }

  /** Chained hash of full block `b` (computed lazily and memoised; tokens never change once known). */
  blockHashAt(b: number, blockSize: number): BlockHash {
    const have = this.hashes.length;
    if (b >= have) {
      const parent = have === 0 ? ROOT_BLOCK_HASH : (this.hashes[have - 1] ?? ROOT_BLOCK_HASH);
      const from = have * blockSize;
      const to = (b + 1) * blockSize;
      const fresh =
        to <= this.promptTokens.length
          ? blockHashesInRange(this.promptTokens, from, to, blockSize, parent, this.lora)
          : blockHashes(this.tokenSlice(from, to), blockSize, parent, this.lora);
      for (const h of fresh) this.hashes.push(h);
    }
    return this.hashes[b] ?? ROOT_BLOCK_HASH;
  }

  parentHashOf(b: number, blockSize: number): BlockHash | null {
    return b === 0 ? null : this.blockHashAt(b - 1, blockSize);
  }
}
