// Helpers for this workspace's tests that start processes: free ports and liveness by PID.
import { createServer } from "node:net";
import { pidRunning } from "@tessera/local-cluster/process";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

/** Running, not merely present as a zombie (see pidRunning). */
export const alive = pidRunning;
