// The environment this package reads, in one place.
import path from "node:path";

export interface DbEnv {
  /** External PostgreSQL; when unset, the embedded server is used. */
  databaseUrl: string | undefined;
  /** Root of Tessera's local state; the embedded cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** Port for the embedded server; undefined = the port used last time, else a free one. */
  embeddedPort: number | undefined;
}

/**
 * `cwd` defaults to the directory npm was invoked from (INIT_CWD), so that `npm run db:migrate` at
 * the repository root and the API started from the root use the same `.tessera/`, although npm
 * runs workspace scripts inside the workspace.
 */
export function readDbEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd = env.INIT_CWD || process.cwd(),
): DbEnv {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error("DATABASE_URL must be a postgresql:// URL");
  }
  const rawPort = env.TESSERA_PG_PORT?.trim();
  let embeddedPort: number | undefined;
  if (rawPort) {
    embeddedPort = Number(rawPort);
    if (!Number.isInteger(embeddedPort) || embeddedPort < 1 || embeddedPort > 65535) {
      throw new Error(`TESSERA_PG_PORT must be a TCP port, got "${rawPort}"`);
    }
  }
  return {
    databaseUrl,
    dataDir: path.resolve(cwd, env.TESSERA_DATA_DIR?.trim() || ".tessera"),
    embeddedPort,
  };
}
