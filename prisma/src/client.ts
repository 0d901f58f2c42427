// The one way Tessera code gets a Prisma client: the generated Rust-free client (no query engine)
// over node-postgres through @prisma/adapter-pg.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export interface PrismaClientOptions {
  /** Upper bound of pooled connections; default 10. */
  poolSize?: number;
  /** Log SQL queries (development). By default the client only logs warnings; errors are thrown. */
  logQueries?: boolean;
  /** Called on errors of idle pooled connections (e.g. the server restarted). */
  onPoolError?: (err: Error) => void;
}

export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max: options.poolSize ?? 10, application_name: "tessera" },
    { onPoolError: options.onPoolError ?? (() => {}) },
  );
  return new PrismaClient({
    adapter,
    log: options.logQueries ? ["query", "warn"] : ["warn"],
  });
}
