// kube-apiserver: HTTPS on loopback with a self-signed serving certificate (generated into pki/),
// static bearer tokens and RBAC.
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { binaryPath } from "../binaries/build.ts";
import type { Credentials } from "../pki.ts";
import type { SpawnSpec } from "../process.ts";

export interface ApiserverPorts {
  etcd: number;
  apiserver: number;
}

export function apiserverSpec(dir: string, ports: ApiserverPorts, creds: Credentials): SpawnSpec {
  const server = `https://127.0.0.1:${ports.apiserver}`;
  return {
    name: "kube-apiserver",
    command: binaryPath("kube-apiserver"),
    args: [
      `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${join(dir, "pki")}`,
      `--token-auth-file=${creds.tokenFile}`,
      "--authorization-mode=RBAC",
      "--anonymous-auth=false",
      "--service-cluster-ip-range=10.96.0.0/16",
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${creds.saPub}`,
      `--service-account-signing-key-file=${creds.saKey}`,
      "--allow-privileged=true",
      // Fake pods need no API token volume, and a Pod created right after its namespace must not
      // race the service-account controller.
      "--disable-admission-plugins=ServiceAccount",
      "--enable-priority-and-fairness=false",
      "--endpoint-reconciler-type=none",
      "--profiling=false",
      "--v=1",
    ],
    log: join(dir, "logs", "kube-apiserver.log"),
  };
}

/** The self-signed CA the apiserver generated in --cert-dir (the last certificate of its chain). */
export function apiserverCaPem(dir: string): string | undefined {
  try {
    const pem = readFileSync(join(dir, "pki", "apiserver.crt"), "utf8");
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return certs.at(-1);
  } catch {
    return undefined;
  }
}

/** GET /readyz with the admin token; resolves true on HTTP 200. */
export function apiserverReady(port: number, token: string): Promise<true | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/readyz",
        method: "GET",
        rejectUnauthorized: false,
        headers: { Authorization: `Bearer ${token}` },
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 ? true : undefined);
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}
