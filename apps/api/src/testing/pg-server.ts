// Child process of the test global setup: starts the test PostgreSQL (embedded unless DATABASE_URL),
// creates and migrates one database, prints its URL as one JSON line, and stops everything when its
// stdin closes (the test run ended or died) or on SIGTERM. Runs as plain Node, outside Vite.
import { migrate } from "@tessera/db";
import { startTestServer } from "@tessera/db/testing";

// eslint-disable-next-line no-restricted-properties -- test infrastructure, like @tessera/db tests
const server = await startTestServer(process.env.DATABASE_URL);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.stdin.on("end", () => void stop());
process.stdin.on("close", () => void stop());
process.stdin.resume();
try {
  const url = await server.createDatabase();
  await migrate(url);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  await stop();
}
