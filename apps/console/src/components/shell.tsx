"use client";
// The app shell: sidebar navigation (global pages, then one entry per cluster), a top bar with the
// cluster switcher, the signed-in user and the theme toggle.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { csrfHeaders } from "~/lib/api-client";
import { ProvisioningNav } from "~/features/cluster/ProvisioningPanel";
import { clusterTone, clustersOf, isOperator, meOf, useClusters, useMe } from "~/lib/session";
import { ClusterOptions } from "./fields";
import { ThemeToggle } from "./theme";

function NavLink({
  href,
  children,
  exact = false,
}: {
  href: string;
  children: ReactNode;
  exact?: boolean;
}) {
  const path = usePathname();
  const active = exact ? path === href : path === href || path.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}

const dot = (tone: string) => (
  <span className={`badge ${tone}`} style={{ padding: 0, background: "none" }} aria-hidden="true" />
);

export function Shell({ children }: { children: ReactNode }) {
  const path = usePathname();
  const router = useRouter();
  const onLogin = path === "/login";
  const meQuery = useMe({ enabled: !onLogin });
  const me = meOf(meQuery.data);
  const signedOut = meQuery.error?.unauthorized === true;
  // Unknown caller (API down or still loading): show the operator navigation.
  const operator = me ? isOperator(me) : meQuery.data?.type !== "apiKey" && !signedOut;
  const clusters = clustersOf(useClusters({ enabled: !onLogin && isOperator(me) }).data);
  const current = /^\/c\/([^/]+)/.exec(path)?.[1];
  // Tenant members only have the tenant pages; operators' pages would only answer "forbidden".
  const tenantOnly = meQuery.data !== undefined && !operator;
  const allowed = !tenantOnly || path.startsWith("/tenants");
  useEffect(() => {
    if (signedOut && !onLogin) router.replace(`/login?next=${encodeURIComponent(path)}`);
    else if (!allowed) router.replace("/tenants");
  }, [signedOut, onLogin, allowed, path, router]);
  if (onLogin) return <>{children}</>;
  // Pages start their queries once the caller is known (a few ms), so none is sent without rights.
  const showPage =
    (meQuery.data !== undefined || (meQuery.error !== null && !signedOut)) && allowed;
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" /> Tessera
        </Link>
        <div className="nav">
          {operator ? (
            <>
              <NavLink href="/" exact>
                Overview
              </NavLink>
              <NavLink href="/deployments">Deployments</NavLink>
              <NavLink href="/designer">Topology designer</NavLink>
              <NavLink href="/autoscaling">Autoscaling tuner</NavLink>
            </>
          ) : null}
          <NavLink href="/tenants">Tenants &amp; quotas</NavLink>
          {operator ? (
            <>
              <div className="nav-section">Clusters</div>
              {clusters.length === 0 ? (
                <span className="muted small" style={{ padding: "4px 8px" }}>
                  No clusters yet
                </span>
              ) : null}
              {clusters.map((c) => (
                <div key={c.id}>
                  <NavLink href={`/c/${encodeURIComponent(c.name)}`} exact>
                    <span>{c.displayName || c.name}</span>
                    {dot(clusterTone(c.status))}
                  </NavLink>
                  {current === encodeURIComponent(c.name) ? (
                    <div style={{ paddingLeft: 12 }}>
                      <NavLink href={`/c/${encodeURIComponent(c.name)}/deployments`}>
                        Deployments
                      </NavLink>
                      <NavLink href={`/c/${encodeURIComponent(c.name)}/routing`}>Routing</NavLink>
                    </div>
                  ) : null}
                </div>
              ))}
              <ProvisioningNav enabled={!onLogin && isOperator(me)} />
            </>
          ) : null}
        </div>
      </nav>
      <div className="main">
        <div className="topbar">
          {operator && clusters.length > 0 ? (
            <label className="row small muted">
              Cluster
              <select
                aria-label="Switch cluster"
                value={current ? decodeURIComponent(current) : ""}
                onChange={(e) =>
                  router.push(e.target.value ? `/c/${encodeURIComponent(e.target.value)}` : "/")
                }
              >
                <option value="">All clusters</option>
                <ClusterOptions clusters={clusters} by="name" />
              </select>
            </label>
          ) : null}
          <span className="spacer" />
          {me ? (
            <span className="small muted" data-testid="whoami">
              {me.email} · {me.platformRole.toLowerCase()}
            </span>
          ) : (
            <Link href="/login" className="small">
              Sign in
            </Link>
          )}
          <ThemeToggle />
          {me ? (
            <button
              type="button"
              className="btn small"
              onClick={() =>
                void fetch("/api/v1/auth/logout", {
                  method: "POST",
                  credentials: "same-origin",
                  headers: csrfHeaders(),
                }).finally(() => window.location.assign("/login"))
              }
            >
              Sign out
            </button>
          ) : null}
        </div>
        <main id="content" className="content" tabIndex={-1}>
          {showPage ? children : null}
        </main>
      </div>
    </div>
  );
}
