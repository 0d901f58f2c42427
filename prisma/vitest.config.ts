import { tesseraVitest } from "@tessera/config/vitest";

// Integration tests start real PostgreSQL servers and run Prisma 6's Wasm differ (~10 s).
export default tesseraVitest("db", { testTimeout: 300_000 });
