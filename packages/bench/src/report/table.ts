// Tables as markdown and CSV, from one list of rows (column order = the first row's keys).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type Cell = string | number;
export type Row = Record<string, Cell>;

function show(v: Cell): string {
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return "n/a";
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export function markdownTable(rows: readonly Row[]): string {
  if (rows.length === 0) return "";
  const cols = Object.keys(rows[0] as Row);
  const lines = [
    `| ${cols.join(" | ")} |`,
    `| ${cols.map((c, i) => (i === 0 || typeof (rows[0] as Row)[c] === "string" ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const r of rows) lines.push(`| ${cols.map((c) => show(r[c] ?? "")).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

function csvCell(v: Cell): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(+v.toPrecision(8)) : "";
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csv(rows: readonly Row[]): string {
  if (rows.length === 0) return "";
  const cols = Object.keys(rows[0] as Row);
  return `${[cols.join(","), ...rows.map((r) => cols.map((c) => csvCell(r[c] ?? "")).join(","))].join("\n")}\n`;
}

/** Writes `name.md`, `name.csv` (and `name.svg` when given) under `dir`; returns the paths. */
export function writeReport(
  dir: string,
  name: string,
  files: { markdown: string; rows: readonly Row[]; svg?: string },
): string[] {
  mkdirSync(dir, { recursive: true });
  const paths = [join(dir, `${name}.md`), join(dir, `${name}.csv`)];
  writeFileSync(paths[0] as string, files.markdown);
  writeFileSync(paths[1] as string, csv(files.rows));
  if (files.svg !== undefined) {
    const p = join(dir, `${name}.svg`);
    writeFileSync(p, files.svg);
    paths.push(p);
  }
  return paths;
}
