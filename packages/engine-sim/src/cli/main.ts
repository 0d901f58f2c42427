#!/usr/bin/env node
// tessera-sim: serve one or more simulated inference engines over HTTP.

import { startSimServers } from "../server/app.ts";
import { HelpRequested, parseCli } from "./args.ts";

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`${e.message}\n`);
      process.exit(0);
    }
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const servers = await startSimServers(opts);
  for (const s of servers)
    process.stdout.write(
      `tessera-sim ${s.kind} model=${s.model} role=${s.role} preset=${s.engine.params.name} listening on ${s.url}` +
        (s.bootstrapPort !== undefined ? ` bootstrap=${s.bootstrapPort}` : "") +
        "\n",
    );
  const shutdown = () => {
    void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

void main();
