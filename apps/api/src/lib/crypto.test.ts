import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPasswordHasher, createSecretBox } from "./crypto.ts";

describe("kubeconfig sealing", () => {
  const box = createSecretBox(randomBytes(32));

  it("round-trips and hides the plaintext", () => {
    const sealed = box.encrypt("token: super-secret");
    expect(sealed.ciphertext.toString("latin1")).not.toContain("super-secret");
    expect(box.decrypt(sealed)).toBe("token: super-secret");
  });

  it("detects tampering and refuses another key", () => {
    const sealed = box.encrypt("abc");
    const tampered = Buffer.from(sealed.ciphertext);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(() => box.decrypt({ ...sealed, ciphertext: tampered })).toThrow();
    const other = createSecretBox(randomBytes(32));
    expect(() => other.decrypt(sealed)).toThrow(/sealed with key/);
  });

  it("uses a fresh nonce each time", () => {
    expect(box.encrypt("x").nonce.equals(box.encrypt("x").nonce)).toBe(false);
  });
});

describe("password hashes", () => {
  it("are argon2id PHC strings that verify only the right password", async () => {
    const h = createPasswordHasher({ memorySize: 1024, iterations: 1 });
    const hash = await h.hash("hunter2-hunter2");
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await h.verify("hunter2-hunter2", hash)).toBe(true);
    expect(await h.verify("hunter3-hunter3", hash)).toBe(false);
    expect(await h.verify("x", "not-a-hash")).toBe(false);
  });
});
