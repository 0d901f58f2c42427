"use client";
// The HyperNode tier tree as a picture: spines and leaves as bars over their nodes, each node drawn
// with one cell per GPU; a placed pod fills its GPU cells in the colour of its ModelServing,
// ServingGroup or role. Groups that break their networkTopology policy are outlined in red.
import { useMemo, useState } from "react";
import type { Cluster } from "@tessera/shared/placement/types";
import { layoutTopology, type TopoPod, type Violation } from "./layout";

const PALETTE = ["var(--c1)", "var(--c2)", "var(--c3)", "var(--c4)", "var(--c5)", "var(--c6)"];
export type ColorBy = "modelServing" | "group" | "role";

const NODE_W = 62;
const GAP = 6;
const ROW_H = 40;
const CELL = 11;

export function TopologyView({
  cluster,
  pods,
  violations = [],
  title,
}: {
  cluster: Cluster;
  pods: readonly TopoPod[];
  violations?: readonly Violation[];
  title: string;
}) {
  const [colorBy, setColorBy] = useState<ColorBy>("role");
  const layout = useMemo(() => layoutTopology(cluster), [cluster]);
  const keys = useMemo(() => [...new Set(pods.map((p) => p[colorBy]))].sort(), [pods, colorBy]);
  const colorOf = (p: TopoPod) => PALETTE[keys.indexOf(p[colorBy]) % PALETTE.length] ?? "var(--c1)";
  const badGroups = new Set(violations.map((v) => `${v.modelServing}/${v.group}`));
  const badNodes = new Set(violations.flatMap((v) => v.nodes));
  const podsByNode = new Map<string, TopoPod[]>();
  for (const p of pods) podsByNode.set(p.node, [...(podsByNode.get(p.node) ?? []), p]);

  const tiers = layout.maxTier;
  const width = layout.width * (NODE_W + GAP) + GAP;
  const maxGpus = Math.max(1, ...layout.nodes.map((n) => n.allocatableGpus));
  const cols = Math.min(4, maxGpus);
  const rows = Math.ceil(maxGpus / cols);
  const nodeH = 20 + rows * (CELL + 2) + 4;
  const nodesY = tiers * ROW_H + 10;
  const height = nodesY + nodeH + 8;
  const xLeft = (slot: number) => GAP + slot * (NODE_W + GAP);
  const boxY = (tier: number) => (tiers - tier) * ROW_H + 6;

  const summary = `${title}: ${layout.boxes.length} HyperNodes, ${layout.nodes.length} nodes, ${pods.length} pods placed${violations.length ? `, ${violations.length} topology violations` : ""}`;

  return (
    <div className="topo" data-testid="topology-view">
      <div className="row" style={{ justifyContent: "space-between", marginBottom: 8 }}>
        <div className="legend" aria-label="Legend">
          {keys.length === 0 ? <span>No pods placed</span> : null}
          {keys.map((k, i) => (
            <span key={k}>
              <i style={{ background: PALETTE[i % PALETTE.length] }} />
              {k}
            </span>
          ))}
          {violations.length ? (
            <span>
              <i style={{ background: "none", outline: "2px solid var(--bad)" }} />
              violates networkTopology
            </span>
          ) : null}
        </div>
        <label className="row small muted">
          Colour by
          <select
            value={colorBy}
            onChange={(e) => setColorBy(e.target.value as ColorBy)}
            aria-label="Colour pods by"
          >
            <option value="modelServing">ModelServing</option>
            <option value="group">ServingGroup</option>
            <option value="role">Role</option>
          </select>
        </label>
      </div>
      <div style={{ overflowX: "auto" }}>
        <svg
          viewBox={`0 0 ${width} ${height}`}
          style={{ minWidth: Math.min(width, 640), maxWidth: width * 1.6 }}
          role="img"
          aria-label={summary}
        >
          {/* links */}
          {layout.boxes.map((b, i) => {
            const parent = b.parent !== undefined ? layout.boxes[b.parent] : undefined;
            if (!parent) return null;
            const cx = (xLeft(b.x0) + xLeft(b.x1) + NODE_W) / 2;
            return (
              <line
                key={`l${i}`}
                x1={cx}
                y1={boxY(b.tier)}
                x2={cx}
                y2={boxY(parent.tier) + 22}
                stroke="var(--border)"
                strokeWidth={2}
              />
            );
          })}
          {layout.nodes.map((n) => {
            const parent = n.parent !== undefined ? layout.boxes[n.parent] : undefined;
            if (!parent) return null;
            const cx = xLeft(n.x) + NODE_W / 2;
            return (
              <line
                key={`ln${n.name}`}
                x1={cx}
                y1={nodesY}
                x2={cx}
                y2={boxY(parent.tier) + 22}
                stroke="var(--border)"
                strokeWidth={2}
              />
            );
          })}
          {layout.boxes.map((b) => {
            const x = xLeft(b.x0);
            const w = xLeft(b.x1) + NODE_W - x;
            return (
              <g key={b.name}>
                <title>{`${b.name} (tier ${b.tier})`}</title>
                <rect
                  x={x}
                  y={boxY(b.tier)}
                  width={w}
                  height={22}
                  rx={5}
                  fill="var(--panel-2)"
                  stroke="var(--border)"
                />
                <text
                  x={x + w / 2}
                  y={boxY(b.tier) + 15}
                  textAnchor="middle"
                  fontSize={10.5}
                  fill="var(--text)"
                >
                  {b.name} · t{b.tier}
                </text>
              </g>
            );
          })}
          {layout.nodes.map((n) => {
            const x = xLeft(n.x);
            const list = podsByNode.get(n.name) ?? [];
            const cells: { pod: TopoPod | null }[] = [];
            for (const p of list)
              for (let g = 0; g < Math.max(1, p.gpus); g++) cells.push({ pod: p });
            const used = n.allocatableGpus - n.freeGpus;
            // GPUs in use by pods we don't draw (other workloads) are shown hatched.
            const otherUsed = Math.max(0, used - cells.length);
            return (
              <g key={n.name}>
                <title>{`${n.name}: ${n.freeGpus}/${n.allocatableGpus} GPUs free${list.length ? `; ${list.map((p) => p.name).join(", ")}` : ""}`}</title>
                <rect
                  x={x}
                  y={nodesY}
                  width={NODE_W}
                  height={nodeH}
                  rx={6}
                  fill="var(--panel)"
                  stroke={
                    badNodes.has(n.name)
                      ? "var(--bad)"
                      : n.unschedulable
                        ? "var(--warn)"
                        : "var(--border)"
                  }
                  strokeWidth={badNodes.has(n.name) ? 2.5 : 1}
                  strokeDasharray={n.unschedulable ? "4 3" : undefined}
                />
                <text x={x + 5} y={nodesY + 13} fontSize={9} fill="var(--muted)">
                  {n.name.length > 11 ? `…${n.name.slice(-9)}` : n.name}
                </text>
                {Array.from({ length: n.allocatableGpus }, (_, g) => {
                  const c = cells[g];
                  const cx = x + 5 + (g % cols) * (CELL + 2);
                  const cy = nodesY + 18 + Math.floor(g / cols) * (CELL + 2);
                  const bad = c?.pod
                    ? badGroups.has(`${c.pod.modelServing}/${c.pod.group}`)
                    : false;
                  const other = !c && g < cells.length + otherUsed;
                  return (
                    <rect
                      key={g}
                      x={cx}
                      y={cy}
                      width={CELL}
                      height={CELL}
                      rx={3}
                      fill={c?.pod ? colorOf(c.pod) : other ? "var(--muted)" : "var(--panel-2)"}
                      opacity={other ? 0.35 : 1}
                      stroke={bad ? "var(--bad)" : "var(--border)"}
                      strokeWidth={bad ? 2 : 1}
                    />
                  );
                })}
              </g>
            );
          })}
        </svg>
      </div>
      {violations.length ? (
        <ul
          className="issues"
          style={{ marginTop: 10 }}
          aria-label="Topology violations"
          data-testid="topology-violations"
        >
          {violations.map((v) => (
            <li key={`${v.modelServing}/${v.group}`}>{v.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
