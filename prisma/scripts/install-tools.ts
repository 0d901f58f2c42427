// Installs the offline migration-authoring tool (Prisma 6's Wasm differ in tools/prisma6) ahead of
// time, so the drift test does not spend its time budget on an npm install. Idempotent.
import { ensurePrisma6 } from "./lib/schema-diff.ts";

await ensurePrisma6((m) => process.stdout.write(`${m}\n`));
