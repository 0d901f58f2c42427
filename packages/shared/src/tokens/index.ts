export * from "./tokenizer.ts";
export * from "./block-hash.ts";
export * from "./fnv.ts";
