"use client";
import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import {
  Badge,
  Empty,
  ErrorState,
  LastUpdated,
  Loading,
  Meter,
  PageHeader,
  Stat,
} from "~/components/states";
import { apiMutate, describeError } from "~/lib/api-client";
import { useApiQuery } from "~/lib/resources";
import type { ApiKey, Quota, Tenant, UsageSummary } from "~/lib/types";

const PALETTE = ["var(--c1)", "var(--c2)", "var(--c3)", "var(--c4)", "var(--c5)", "var(--c6)"];
const day = (offset = 0) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

export function TenantList() {
  const tenants = useApiQuery<Tenant[]>("tenants.list", { global: true }, {});
  return (
    <>
      <PageHeader
        title="Tenants & quotas"
        description="Tenants, their API keys, token quotas, usage and cost."
        actions={<LastUpdated at={tenants.updatedAt} />}
      />
      {tenants.isLoading ? <Loading /> : null}
      {tenants.error ? <ErrorState error={tenants.error} retry={tenants.refetch} /> : null}
      {tenants.data && tenants.data.length === 0 ? (
        <Empty title="No tenants yet">Create one with the API (tenants.create).</Empty>
      ) : null}
      {tenants.data?.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="tenants-table">
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Slug</th>
                <th scope="col">State</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {tenants.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link href={`/tenants/${t.id}`}>{t.name}</Link>
                  </td>
                  <td className="mono">{t.slug}</td>
                  <td>
                    <Badge tone={t.status === "ACTIVE" ? "ok" : "warn"}>
                      {t.status.toLowerCase()}
                    </Badge>
                  </td>
                  <td className="small muted">{t.description ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function Keys({ tenantId }: { tenantId: string }) {
  const qc = useQueryClient();
  const keys = useApiQuery<ApiKey[]>("keys.list", { tenant: tenantId }, { tenantId });
  const [name, setName] = useState("");
  const [models, setModels] = useState("");
  const create = useMutation({
    mutationFn: () =>
      apiMutate<{ key: ApiKey; secret: string }>("keys.create", {
        tenantId,
        name,
        models: models
          .split(",")
          .map((m) => m.trim())
          .filter(Boolean),
      }),
    onSuccess: () => {
      setName("");
      void qc.invalidateQueries({ queryKey: ["tessera", "keys.list"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => apiMutate("keys.revoke", { tenantId, keyId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["tessera", "keys.list"] }),
  });
  return (
    <section className="card" aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <form
        className="row"
        style={{ marginBottom: 10, alignItems: "flex-end" }}
        onSubmit={(e) => {
          e.preventDefault();
          if (name) create.mutate();
        }}
      >
        <label className="field">
          Key name
          <input
            value={name}
            required
            onChange={(e) => setName(e.target.value)}
            placeholder="ci-pipeline"
          />
        </label>
        <label className="field" style={{ flex: 1 }}>
          Models (empty = all)
          <input
            value={models}
            onChange={(e) => setModels(e.target.value)}
            placeholder="Qwen/Qwen3-8B"
          />
        </label>
        <button type="submit" className="btn primary" disabled={!name || create.isPending}>
          Create key
        </button>
      </form>
      {create.error ? <ErrorState error={describeError(create.error)} /> : null}
      {create.data ? (
        <div className="grid" style={{ gap: 6, marginBottom: 10 }} role="status">
          <strong>Copy this key now — it is shown only once.</strong>
          <div className="secret" data-testid="new-key-secret">
            {create.data.secret}
          </div>
          <div className="row">
            <button
              type="button"
              className="btn small"
              onClick={() => void navigator.clipboard.writeText(create.data.secret)}
            >
              Copy
            </button>
            <button type="button" className="btn small" onClick={() => create.reset()}>
              I have stored it
            </button>
          </div>
        </div>
      ) : null}
      {keys.isLoading ? <Loading rows={2} /> : null}
      {keys.error ? <ErrorState error={keys.error} retry={keys.refetch} /> : null}
      {keys.data && keys.data.length === 0 ? <Empty title="No API keys" /> : null}
      {keys.data?.length ? (
        <table className="table" data-testid="keys-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Models</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">{k.prefix}…</td>
                <td className="small">
                  {k.allowedModels.length ? k.allowedModels.join(", ") : "all"}
                </td>
                <td className="small">
                  {k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}
                </td>
                <td>
                  {k.revokedAt ? (
                    <Badge tone="bad">revoked</Badge>
                  ) : (
                    <Badge tone="ok">active</Badge>
                  )}
                </td>
                <td>
                  {!k.revokedAt ? (
                    <button
                      type="button"
                      className="btn small"
                      onClick={() => revoke.mutate(k.id)}
                      aria-label={`Revoke key ${k.name}`}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Quotas({
  tenantId,
  today,
  month,
}: {
  tenantId: string;
  today?: UsageSummary;
  month?: UsageSummary;
}) {
  const quotas = useApiQuery<Quota[]>("quotas.list", { tenant: tenantId }, { tenantId });
  const used = (s: UsageSummary | undefined, model: string) =>
    model === "*"
      ? (s?.totals.totalTokens ?? 0)
      : (s?.rows.filter((r) => r.model === model).reduce((a, r) => a + r.totalTokens, 0) ?? 0);
  return (
    <section className="card" aria-labelledby="quotas-h">
      <h2 id="quotas-h">Token quotas</h2>
      {quotas.isLoading ? <Loading rows={2} /> : null}
      {quotas.error ? <ErrorState error={quotas.error} retry={quotas.refetch} /> : null}
      {quotas.data && quotas.data.length === 0 ? <Empty title="No quotas: unlimited" /> : null}
      {quotas.data?.length ? (
        <table className="table" data-testid="quotas-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col" style={{ width: "32%" }}>
                Today (total tokens)
              </th>
              <th scope="col" style={{ width: "32%" }}>
                This month
              </th>
              <th scope="col" className="num">
                Req/min
              </th>
            </tr>
          </thead>
          <tbody>
            {quotas.data.map((q) => (
              <tr key={q.id}>
                <td className="mono">{q.model === "*" ? "all models" : q.model}</td>
                {[
                  { limit: q.totalTokensPerDay, u: used(today, q.model), label: "today" },
                  { limit: q.totalTokensPerMonth, u: used(month, q.model), label: "this month" },
                ].map((c) => (
                  <td key={c.label}>
                    {c.limit ? (
                      <Meter value={c.u} max={c.limit} label={`${q.model} tokens ${c.label}`} />
                    ) : null}
                    <span className="small muted">
                      {c.u.toLocaleString()} / {c.limit ? c.limit.toLocaleString() : "∞"}
                    </span>
                  </td>
                ))}
                <td className="num">{q.requestsPerMinute ?? "∞"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

interface Member {
  userId: string;
  email: string;
  displayName: string | null;
  role: "TENANT_ADMIN" | "VIEWER";
  since: string;
}

function Members({ tenantId }: { tenantId: string }) {
  const members = useApiQuery<Member[]>(
    "tenants.members",
    { tenant: tenantId },
    { tenantId },
    { refetchInterval: 60_000 },
  );
  return (
    <section className="card" aria-labelledby="members-h">
      <h2 id="members-h">Users</h2>
      {members.isLoading ? <Loading rows={2} /> : null}
      {members.error ? <ErrorState error={members.error} retry={members.refetch} /> : null}
      {members.data && members.data.length === 0 ? <Empty title="No members yet" /> : null}
      {members.data?.length ? (
        <table className="table" data-testid="members-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.userId}>
                <td>
                  {m.displayName ?? m.email}
                  {m.displayName ? <span className="muted small"> · {m.email}</span> : null}
                </td>
                <td>
                  <Badge tone={m.role === "TENANT_ADMIN" ? "info" : "neutral"}>
                    {m.role === "TENANT_ADMIN" ? "tenant admin" : "viewer"}
                  </Badge>
                </td>
                <td className="small">{new Date(m.since).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function TenantDetail({ tenantId }: { tenantId: string }) {
  const tenant = useApiQuery<Tenant>("tenants.get", { tenant: tenantId }, { tenantId });
  const range = { from: day(29), to: day(0) };
  const usage = useApiQuery<UsageSummary>(
    "usage.summary",
    { tenant: tenantId },
    { tenantId, ...range, groupBy: ["day", "model"] },
  );
  const today = useApiQuery<UsageSummary>(
    "usage.summary",
    { tenant: tenantId },
    { tenantId, from: day(0), to: day(0), groupBy: ["model"] },
  );
  const monthStart = `${day(0).slice(0, 8)}01`;
  const month = useApiQuery<UsageSummary>(
    "usage.summary",
    { tenant: tenantId },
    { tenantId, from: monthStart, to: day(0), groupBy: ["model"] },
  );

  const { chart, models, byModel } = useMemo(() => {
    const rows = usage.data?.rows ?? [];
    const models = [...new Set(rows.map((r) => r.model ?? "?"))].sort();
    const days = Array.from({ length: 30 }, (_, i) => day(29 - i));
    const chart = days.map((d) => {
      const point: Record<string, number | string> = { day: d.slice(5) };
      for (const m of models)
        point[m] = rows
          .filter((r) => r.day === d && r.model === m)
          .reduce((a, r) => a + r.totalTokens, 0);
      return point;
    });
    const byModel = models.map((m) => {
      const rs = rows.filter((r) => r.model === m);
      return {
        model: m,
        requests: rs.reduce((a, r) => a + r.requests, 0),
        input: rs.reduce((a, r) => a + r.inputTokens, 0),
        output: rs.reduce((a, r) => a + r.outputTokens, 0),
        cost: rs.reduce((a, r) => a + r.cost, 0),
      };
    });
    return { chart, models, byModel };
  }, [usage.data]);
  const currency = usage.data?.currency ?? "USD";
  const money = (x: number) =>
    x.toLocaleString(undefined, { style: "currency", currency, maximumFractionDigits: 4 });

  if (tenant.isLoading) return <Loading label="Loading tenant" />;
  if (tenant.error) return <ErrorState error={tenant.error} retry={tenant.refetch} />;
  const t = tenant.data;
  return (
    <>
      <PageHeader
        title={t?.name ?? "Tenant"}
        description={
          <>
            <span className="mono">{t?.slug}</span> · <Link href="/tenants">all tenants</Link>
          </>
        }
        actions={<LastUpdated at={usage.updatedAt} />}
      />
      <div className="grid cols-4">
        <Stat
          label="Requests (30 days)"
          value={usage.data ? usage.data.totals.requests.toLocaleString() : "–"}
          sub={usage.data ? `${usage.data.totals.errors} errors` : undefined}
        />
        <Stat
          label="Tokens (30 days)"
          value={usage.data ? usage.data.totals.totalTokens.toLocaleString() : "–"}
          sub={
            usage.data
              ? `${usage.data.totals.inputTokens.toLocaleString()} in · ${usage.data.totals.outputTokens.toLocaleString()} out`
              : undefined
          }
        />
        <Stat
          label="Tokens today"
          value={today.data ? today.data.totals.totalTokens.toLocaleString() : "–"}
        />
        <Stat
          label="Cost (30 days)"
          value={usage.data ? money(usage.data.totals.cost) : "–"}
          sub="showback at platform prices"
        />
      </div>
      <div className="grid cols-2 section">
        <Keys tenantId={tenantId} />
        <Quotas
          tenantId={tenantId}
          {...(today.data ? { today: today.data } : {})}
          {...(month.data ? { month: month.data } : {})}
        />
      </div>
      <div className="section">
        <Members tenantId={tenantId} />
      </div>
      <section className="card section" aria-labelledby="usage-h">
        <h2 id="usage-h">Tokens by day and model</h2>
        {usage.isLoading ? <Loading rows={4} /> : null}
        {usage.error ? <ErrorState error={usage.error} retry={usage.refetch} /> : null}
        {usage.data && usage.data.rows.length === 0 ? (
          <Empty title="No usage in the last 30 days">
            Requests through the router with this tenant’s keys appear here.
          </Empty>
        ) : null}
        {usage.data?.rows.length ? (
          <div
            className="chart-box"
            data-testid="usage-chart"
            role="img"
            aria-label="Total tokens per day, stacked by model"
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={chart} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="day" stroke="var(--muted)" fontSize={11} />
                <YAxis stroke="var(--muted)" fontSize={11} width={52} />
                <Tooltip
                  contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {models.map((m, i) => (
                  <Bar
                    key={m}
                    dataKey={m}
                    stackId="t"
                    fill={PALETTE[i % PALETTE.length]}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        ) : null}
      </section>
      <section className="section" aria-labelledby="cost-h">
        <h2 id="cost-h">Cost showback by model (30 days)</h2>
        {byModel.length ? (
          <div className="table-wrap">
            <table className="table" data-testid="cost-table">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">
                    Requests
                  </th>
                  <th scope="col" className="num">
                    Input tokens
                  </th>
                  <th scope="col" className="num">
                    Output tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {byModel.map((m) => (
                  <tr key={m.model}>
                    <td className="mono">{m.model}</td>
                    <td className="num">{m.requests.toLocaleString()}</td>
                    <td className="num">{m.input.toLocaleString()}</td>
                    <td className="num">{m.output.toLocaleString()}</td>
                    <td className="num">{money(m.cost)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty title="Nothing to show back yet" />
        )}
      </section>
    </>
  );
}
