// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded PostgreSQL in
// <TESSERA_DATA_DIR>/postgres when DATABASE_URL is unset (starting it for the run, then stopping it).
import { resolveDatabaseUrl } from "../embedded.ts";
import { migrate } from "../migrate.ts";

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

async function main(): Promise<void> {
  const started = performance.now();
  const db = await resolveDatabaseUrl();
  try {
    const where = db.embedded
      ? `embedded PostgreSQL in ${db.embedded.dataDir}${db.embedded.created ? " (created)" : ""}`
      : "DATABASE_URL";
    console.log(`db:migrate → ${where}: ${redact(db.url)}`);
    const result = await migrate(db.url, { log: (m) => console.log(`  ${m}`) });
    const total = result.applied.length + result.alreadyApplied.length;
    console.log(
      result.applied.length > 0
        ? `applied ${result.applied.length} migration(s); ${total} in total`
        : `database is up to date (${total} migration(s))`,
    );
  } finally {
    await db.stop();
  }
  console.log(`done in ${Math.round(performance.now() - started)} ms`);
}

main().catch((err: unknown) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
