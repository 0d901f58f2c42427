#!/usr/bin/env node
// `npm run -w @tessera/shared crds`: rewrites infra/crds from the schemas.
import fs from "node:fs";
import path from "node:path";
import { CRD_DIR, renderCrdFiles } from "./render.ts";

fs.mkdirSync(CRD_DIR, { recursive: true });
for (const { fileName, text } of renderCrdFiles()) {
  const target = path.join(CRD_DIR, fileName);
  const changed = !fs.existsSync(target) || fs.readFileSync(target, "utf8") !== text;
  if (changed) fs.writeFileSync(target, text);
  console.log(`${changed ? "wrote    " : "unchanged"} ${path.relative(process.cwd(), target)}`);
}
