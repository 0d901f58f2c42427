"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

export default function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  return (
    <main className="login" id="content">
      <div className="brand" style={{ justifyContent: "center", fontSize: 18 }}>
        <span className="brand-mark" aria-hidden="true" /> Tessera
      </div>
      <form
        className="card grid"
        style={{ gap: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          void fetch("/api/v1/auth/login", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email, password }),
            credentials: "same-origin",
          })
            .then(async (res) => {
              if (!res.ok) {
                const body = (await res.json().catch(() => ({}))) as {
                  error?: { message?: string };
                  message?: string;
                };
                throw new Error(
                  body.error?.message ?? body.message ?? `sign-in failed (${res.status})`,
                );
              }
              await qc.invalidateQueries();
              const next = new URLSearchParams(window.location.search).get("next");
              window.location.assign(next?.startsWith("/") ? next : "/");
            })
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
            .finally(() => setBusy(false));
        }}
      >
        <h1>Sign in</h1>
        <label className="field">
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <div className="state error" role="alert" style={{ minHeight: 0, padding: 10 }}>
            {error}
          </div>
        ) : null}
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
