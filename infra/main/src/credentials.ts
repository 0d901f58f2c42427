// Local secrets of the demo stack, generated on first start and kept in the data directory (mode
// 0600) so a restart keeps the same admin login and demo key.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export interface LocalCredentials {
  adminEmail: string;
  adminPassword: string;
  /** The demo tenant's API key, once created (its secret is shown by the API only once). */
  demoKey?: { id: string; secret: string };
}

const FILE = "credentials.json";

export async function loadOrCreateCredentials(dataDir: string): Promise<LocalCredentials> {
  const file = path.join(dataDir, FILE);
  try {
    return JSON.parse(await readFile(file, "utf8")) as LocalCredentials;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const created: LocalCredentials = {
    adminEmail: "admin@tessera.local",
    adminPassword: randomBytes(18).toString("base64url"),
  };
  await saveCredentials(dataDir, created);
  return created;
}

export async function saveCredentials(dataDir: string, c: LocalCredentials): Promise<void> {
  await writeFile(path.join(dataDir, FILE), `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
}
