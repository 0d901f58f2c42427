// Secrets: kubeconfig encryption at rest, random tokens and their hashes, password hashes.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { argon2id, argon2Verify } from "hash-wasm";

export interface SecretBox {
  keyId: string;
  encrypt(plain: string): { ciphertext: Buffer; nonce: Buffer; keyId: string };
  decrypt(sealed: { ciphertext: Uint8Array; nonce: Uint8Array; keyId: string }): string;
}

/** AES-256-GCM with a 96-bit random nonce; the 16-byte tag is appended to the ciphertext. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("kubeconfig key must be 32 bytes");
  // The key id names the key without revealing it, so a rotated key can be told apart.
  const keyId = `k1-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
  return {
    keyId,
    encrypt(plain) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return { ciphertext: Buffer.concat([body, cipher.getAuthTag()]), nonce, keyId };
    },
    decrypt(sealed) {
      if (sealed.keyId !== keyId) throw new Error(`kubeconfig was sealed with key ${sealed.keyId}`);
      const data = Buffer.from(sealed.ciphertext);
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.nonce));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([
        decipher.update(data.subarray(0, data.length - 16)),
        decipher.final(),
      ]).toString("utf8");
    },
  };
}

export const sha256Hex = (value: string): string =>
  createHash("sha256").update(value).digest("hex");

/** URL-safe random token with a readable type prefix (`tss_` sessions, `tsk_` API keys). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface PasswordHasherOptions {
  /** KiB; OWASP's argon2id minimum is 19 MiB with 2 iterations. */
  memorySize?: number;
  iterations?: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/** argon2id in WebAssembly (hash-wasm): no native build step. PHC-encoded output. */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  return {
    hash: (password) =>
      argon2id({
        password,
        salt: randomBytes(16),
        parallelism: 1,
        iterations: options.iterations ?? 2,
        memorySize: options.memorySize ?? 19_456,
        hashLength: 32,
        outputType: "encoded",
      }),
    verify: async (password, hash) => {
      try {
        return await argon2Verify({ password, hash });
      } catch {
        return false;
      }
    },
  };
}
