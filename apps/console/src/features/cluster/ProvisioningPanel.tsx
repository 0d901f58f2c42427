"use client";
// "Local cluster: <step> (x/y)" for every cluster still being brought up in the background; once
// it is registered it leaves this panel and appears like any other cluster.
import { Badge, Meter } from "~/components/states";
import { stepText, useProvisioning, type ProvisioningEntry } from "./provisioning";

const tone = (p: ProvisioningEntry["phase"]) =>
  p === "Failed" ? "bad" : p === "Ready" ? "ok" : "info";

export function ProvisioningPanel() {
  const { active } = useProvisioning();
  if (!active.length) return null;
  return (
    <section
      className="card"
      aria-labelledby="prov-h"
      data-testid="provisioning-panel"
      style={{ marginBottom: 14 }}
    >
      <h2 id="prov-h">Clusters starting in the background</h2>
      <ul className="plain grid" style={{ gap: 10 }}>
        {active.map((e) => (
          <li key={e.name} data-testid={`provisioning-${e.name}`}>
            <div className="row">
              <strong>
                Local cluster {e.name}: {stepText(e)}
              </strong>
              <Badge tone={tone(e.phase)}>{e.phase.toLowerCase()}</Badge>
              <span className="small muted">
                since {new Date(e.startedAt).toLocaleTimeString()}
              </span>
            </div>
            {e.progress ? (
              <Meter
                value={e.progress.done}
                max={e.progress.total}
                label={`${e.name} provisioning progress`}
              />
            ) : null}
            {e.message ? <div className="small muted">{e.message}</div> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The same progress as one line per cluster, for the sidebar's cluster list. */
export function ProvisioningNav({ enabled }: { enabled: boolean }) {
  const { active } = useProvisioning({ enabled });
  return (
    <>
      {active.map((e) => (
        <span
          key={e.name}
          className="small muted"
          style={{ padding: "4px 8px", display: "block" }}
          data-testid={`provisioning-nav-${e.name}`}
        >
          {e.name}: {e.phase === "Failed" ? "failed" : stepText(e)}
        </span>
      ))}
    </>
  );
}
