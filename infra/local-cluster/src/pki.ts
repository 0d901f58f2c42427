// Credentials for a local cluster: static bearer tokens (--token-auth-file) and the service-account
// signing key pair.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Identity {
  token: string;
  user: string;
  groups: string[];
}

export interface Credentials {
  admin: Identity;
  /** One identity per component, so the audit trail shows who did what. */
  components: Record<string, Identity>;
  saKey: string;
  saPub: string;
  tokenFile: string;
}

function token(): string {
  return randomBytes(24).toString("hex");
}

const COMPONENTS = ["controller-manager", "scheduler", "volcano", "kwok", "pod-engines"] as const;

/**
 * Writes tokens.csv and the service-account keys into `dir`. Components run as cluster admins
 * (system:masters) under their own user names: like kubeadm's static manifests, minus the per-controller
 * service accounts.
 */
export function writeCredentials(dir: string): Credentials {
  const admin: Identity = { token: token(), user: "tessera-admin", groups: ["system:masters"] };
  const components: Record<string, Identity> = {};
  for (const c of COMPONENTS) {
    components[c] = { token: token(), user: `system:tessera:${c}`, groups: ["system:masters"] };
  }
  const rows = [admin, ...Object.values(components)].map(
    (id) => `${id.token},${id.user},${id.user},"${id.groups.join(",")}"`,
  );
  const tokenFile = join(dir, "tokens.csv");
  writeFileSync(tokenFile, rows.join("\n") + "\n", { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const saKey = join(dir, "sa.key");
  const saPub = join(dir, "sa.pub");
  writeFileSync(saKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(saPub, publicKey.export({ type: "spki", format: "pem" }));
  return { admin, components, saKey, saPub, tokenFile };
}
