// `npm run db:generate`: generate the Prisma client into generated/prisma, skipping the work when
// the inputs (schema, config, Prisma version) are unchanged since the last run.
//
// Prisma 7's CLI refuses to start without its native schema engine, which cannot be downloaded
// offline; `generate` does not use it, so any existing file satisfies the check
// (PRISMA_SCHEMA_ENGINE_BINARY, unless the caller set it to a real engine).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { NO_ENGINE, PACKAGE_DIR } from "./lib/schema-diff.ts";

const outDir = path.join(PACKAGE_DIR, "generated", "prisma");
const stampFile = path.join(outDir, ".inputs-sha256");
const prismaPkg = fileURLToPath(import.meta.resolve("prisma/package.json"));
const cli = path.join(path.dirname(prismaPkg), "build", "index.js");

const hash = createHash("sha256");
for (const file of ["schema.prisma", "prisma.config.ts"]) {
  hash.update(readFileSync(path.join(PACKAGE_DIR, file)));
}
hash.update(readFileSync(prismaPkg));
hash.update(process.version);
const digest = hash.digest("hex");

const force = process.argv.includes("--force");
if (!force && existsSync(path.join(outDir, "client.ts")) && existsSync(stampFile)) {
  if (readFileSync(stampFile, "utf8").trim() === digest) {
    console.log("Prisma client is up to date (generated/prisma)");
    process.exit(0);
  }
}

const res = spawnSync(process.execPath, [cli, "generate"], {
  cwd: PACKAGE_DIR,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? NO_ENGINE,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
if (res.status !== 0) process.exit(res.status ?? 1);
writeFileSync(stampFile, `${digest}\n`);
