"use client";
// Loading, empty and error states shared by every page, plus the "last updated" clock.
import { useEffect, useState, type ReactNode } from "react";
import type { ApiErrorInfo } from "~/lib/api-client";

export function Loading({ label = "Loading", rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="card" role="status" aria-live="polite" aria-busy="true">
      <span className="visually-hidden">{label}…</span>
      <div className="grid" style={{ gap: 10 }}>
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="skeleton" style={{ width: `${90 - i * 12}%` }} />
        ))}
      </div>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state" data-state="empty">
      <strong>{title}</strong>
      {children ? <div className="small">{children}</div> : null}
    </div>
  );
}

export function ErrorState({
  error,
  retry,
}: {
  error: ApiErrorInfo | ApiErrorInfo[];
  retry?: () => void;
}) {
  const list = Array.isArray(error) ? error : [error];
  // A procedure this API does not offer yet is not a failure: say so calmly.
  if (list.length > 0 && list.every((e) => e.missingProcedure))
    return (
      <div className="state" data-state="unavailable" role="status">
        <strong>Not available from this API yet</strong>
        <div className="small">{list[0]?.message}</div>
      </div>
    );
  return (
    <div className="state error" role="alert" data-state="error">
      {list.map((e, i) => (
        <div key={i}>
          <strong>
            {e.cluster ? `${e.cluster}: ` : ""}
            {e.missingProcedure
              ? "This API does not offer this data yet"
              : e.unauthorized
                ? "Sign in required"
                : "Could not load"}
          </strong>
          <div className="small">
            {e.message}
            {e.code ? <code> ({e.code})</code> : null}
          </div>
        </div>
      ))}
      {retry ? (
        <button type="button" className="btn small" onClick={retry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m}m ago` : `${Math.round(m / 60)}h ago`;
}

/** "Updated 4s ago" with the exact time on hover; fixed width so ticking never shifts layout. */
export function LastUpdated({ at, staleAfterMs = 30_000 }: { at: number; staleAfterMs?: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const stale = at > 0 && now - at > staleAfterMs;
  return (
    <span
      className={`updated${stale ? " stale" : ""}`}
      data-testid="last-updated"
      title={at ? new Date(at).toISOString() : "not yet"}
      aria-live="off"
    >
      <span className="dot" aria-hidden="true" />
      {at ? (
        <>
          Updated <time dateTime={new Date(at).toISOString()}>{ago(now - at)}</time>
        </>
      ) : (
        "Waiting for data"
      )}
    </span>
  );
}

export type Tone = "ok" | "warn" | "bad" | "info" | "neutral";

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge ${tone === "neutral" ? "" : tone}`}>{children}</span>;
}

export function Stat({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="card stat" data-testid={testId}>
      <span className="label">{label}</span>
      <span className="value">{value}</span>
      <span className="sub">{sub ?? " "}</span>
    </div>
  );
}

export function Meter({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  const tone = pct >= 95 ? "bad" : pct >= 80 ? "warn" : "";
  return (
    <div
      className={`meter ${tone}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
    >
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}
