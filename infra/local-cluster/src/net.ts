// Loopback ports and address ranges.
import { createServer } from "node:net";

/** Ports this process handed out already (the kernel may offer a just-released port again). */
const handedOut = new Set<number>();

/**
 * Asks the kernel for a free TCP port on `host` (bind to :0, read it, release it), never returning the
 * same port twice in one process (clusters started in parallel each get their own).
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (;;) {
    const port = await kernelPort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function kernelPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** Several distinct free ports. */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/** The loopback /16 of a cluster: 127.<index>.0.0/16. */
export function clusterCidr(index: number): string {
  return `127.${index}.0.0/16`;
}

/** Pod CIDR of node `i` (0-based): 127.<index>.<i+1>.0/24. Node IPs live in 127.<index>.0.x. */
export function nodePodCidr(index: number, nodeIndex: number): string {
  if (nodeIndex >= 254) throw new Error("at most 254 nodes per local cluster");
  return `127.${index}.${nodeIndex + 1}.0/24`;
}

export function nodeIp(index: number, nodeIndex: number): string {
  return `127.${index}.0.${(nodeIndex % 253) + 2}`;
}
