// Child process for HTTP-mode benchmarks: N simulated engines on consecutive loopback addresses at
// one port (like the pods of one ModelServer). Options as JSON in argv[2]; prints "READY" when
// listening and exits on SIGTERM.
import { startSimServers } from "@tessera/engine-sim";
import type { ReplicaOptions } from "@tessera/engine-sim";

const opts = JSON.parse(process.argv[2] ?? "{}") as ReplicaOptions;
const servers = await startSimServers({ ...opts, addressing: "loopback" });
process.stdout.write(`READY ${servers.map((s) => s.url).join(" ")}\n`);
const stop = () => {
  void Promise.all(servers.map((s) => s.close())).finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
