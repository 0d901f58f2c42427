// The "minimum JS proxy" contender: node:http server + undici Pool per upstream, round robin, body
// streamed through both ways. No parsing. Options JSON in argv[2]; prints READY.
import { createServer } from "node:http";
import { Pool } from "undici";

const o = JSON.parse(process.argv[2] ?? "{}") as { port: number; upstreams: string[] };
const pools = o.upstreams.map((u) => new Pool(u, { connections: 128, pipelining: 1 }));
let rr = 0;
createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const pool = pools[rr++ % pools.length] as Pool;
  pool
    .request({
      method: req.method as "POST",
      path: req.url ?? "/",
      headers: { "content-type": req.headers["content-type"] ?? "application/json" },
      body: req,
    })
    .then(async (up) => {
      res.writeHead(up.statusCode, { "content-type": String(up.headers["content-type"] ?? "") });
      for await (const c of up.body) res.write(c);
      res.end();
    })
    .catch(() => {
      res.writeHead(502);
      res.end();
    });
}).listen(o.port, "127.0.0.1", () => process.stdout.write("READY\n"));
process.on("SIGTERM", () => process.exit(0));
