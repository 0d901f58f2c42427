"use client";
// The routers' last scheduling decisions: every candidate with each scorer plugin's score and the
// total, the picked endpoint(s) highlighted.
import { Panel, queryState } from "~/components/page-shell";
import { Badge } from "~/components/states";
import type { ApiQueryResult } from "~/lib/resources";
import { RouterStatuses } from "./EndpointsTable";
import { pluginsOf, type RoutingDecisions } from "./routing-data";

export function DecisionsPanel({ decisions }: { decisions: ApiQueryResult<RoutingDecisions> }) {
  const list = decisions.data?.decisions ?? [];
  const plugins = pluginsOf(list);
  return (
    <Panel
      id="dec-h"
      title="Last scheduling decisions"
      className="card section"
      testId="decisions-panel"
      state={queryState(decisions, {
        when: Boolean(decisions.data) && list.length === 0,
        title: "No requests routed yet",
      })}
    >
      {decisions.data ? <RouterStatuses routers={decisions.data.routers} onlyFailures /> : null}
      {list.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="decisions-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Model</th>
                <th scope="col">Candidate</th>
                {plugins.map((p) => (
                  <th key={p} scope="col" className="num">
                    {p}
                  </th>
                ))}
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {list.flatMap((d) =>
                d.candidates.map((c, i) => {
                  const picked = d.picked.includes(c.pod);
                  return (
                    <tr
                      key={`${d.router}/${d.requestId}/${c.pod}`}
                      className={picked ? "picked" : undefined}
                    >
                      <td className="small">
                        {i === 0 ? new Date(d.at).toLocaleTimeString() : ""}
                      </td>
                      <td className="mono small">
                        {i === 0 ? (
                          <>
                            {d.model}
                            {d.profile ? <div className="muted">{d.profile}</div> : null}
                          </>
                        ) : (
                          ""
                        )}
                      </td>
                      <td className="mono small">
                        {c.pod} {picked ? <Badge tone="info">picked</Badge> : null}
                      </td>
                      {plugins.map((p) => (
                        <td key={p} className="num">
                          {c.scores[p]?.toFixed(2) ?? "–"}
                        </td>
                      ))}
                      <td className="num">
                        <strong>{c.total.toFixed(2)}</strong>
                      </td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
