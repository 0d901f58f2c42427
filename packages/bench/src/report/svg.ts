// Small hand-written SVG charts (grouped bars, lines). No chart library: the output is a few hundred
// bytes of deterministic markup that diffs cleanly in git and renders on GitHub.
const PALETTE = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A "nice" upper bound and tick step for an axis from 0 to `max`. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  return { top: Math.ceil(max / step) * step, step };
}

function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1000) return `${+(v / 1000).toFixed(1)}k`;
  if (a >= 10) return String(Math.round(v));
  return String(+v.toFixed(2));
}

interface Frame {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function axes(f: Frame, title: string, yLabel: string, yTop: number, yStep: number): string[] {
  const out: string[] = [];
  const ph = f.h - f.top - f.bottom;
  out.push(
    `<text x="${f.w / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  );
  out.push(
    `<text transform="translate(14 ${f.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(yLabel)}</text>`,
  );
  for (let v = 0; v <= yTop + 1e-9; v += yStep) {
    const y = f.top + ph - (v / yTop) * ph;
    out.push(
      `<line x1="${f.left}" x2="${f.w - f.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${f.left - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="10">${fmt(v)}</text>`,
    );
  }
  out.push(
    `<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.h - f.bottom}" stroke="#333"/>`,
  );
  return out;
}

function legend(f: Frame, names: readonly string[]): string[] {
  return names.map((n, i) => {
    const x = f.left + 10 + (i % 4) * ((f.w - f.left - f.right) / 4);
    const y = f.h - 28 + Math.floor(i / 4) * 14;
    return `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="${y}" font-size="10">${esc(n)}</text>`;
  });
}

export interface BarSeries {
  name: string;
  values: readonly number[];
}

/** Grouped bar chart: one group per category, one bar per series. */
export function barChart(o: {
  title: string;
  yLabel: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  width?: number;
}): string {
  const legendRows = Math.ceil(o.series.length / 4);
  const f: Frame = {
    w: o.width ?? 760,
    h: 380 + legendRows * 14,
    left: 56,
    right: 16,
    top: 30,
    bottom: 70 + legendRows * 14,
  };
  const max = Math.max(0, ...o.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const { top, step } = niceScale(max);
  const out = axes(f, o.title, o.yLabel, top, step);
  const pw = f.w - f.left - f.right;
  const ph = f.h - f.top - f.bottom;
  const gw = pw / Math.max(1, o.categories.length);
  const bw = (gw * 0.8) / Math.max(1, o.series.length);
  o.categories.forEach((c, ci) => {
    const gx = f.left + ci * gw + gw * 0.1;
    o.series.forEach((s, si) => {
      const v = s.values[ci] ?? NaN;
      if (!Number.isFinite(v)) return;
      const bh = (v / top) * ph;
      const x = gx + si * bw;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${(f.top + ph - bh).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${s.name} / ${c}: ${fmt(v)}`)}</title></rect>`,
      );
    });
    out.push(
      `<text x="${(f.left + ci * gw + gw / 2).toFixed(1)}" y="${f.top + ph + 14}" text-anchor="middle" font-size="10">${esc(c)}</text>`,
    );
  });
  out.push(
    `<line x1="${f.left}" x2="${f.w - f.right}" y1="${f.top + ph}" y2="${f.top + ph}" stroke="#333"/>`,
  );
  out.push(
    ...legend(
      f,
      o.series.map((s) => s.name),
    ),
  );
  return wrap(f, out);
}

export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

/** Line chart with markers; x and y both linear from 0. */
export function lineChart(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  width?: number;
}): string {
  const legendRows = Math.ceil(o.series.length / 4);
  const f: Frame = {
    w: o.width ?? 760,
    h: 380 + legendRows * 14,
    left: 56,
    right: 16,
    top: 30,
    bottom: 70 + legendRows * 14,
  };
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0])).filter(Number.isFinite);
  const { top, step } = niceScale(Math.max(0, ...ys));
  const xs2 = niceScale(Math.max(0, ...xs));
  const out = axes(f, o.title, o.yLabel, top, step);
  const pw = f.w - f.left - f.right;
  const ph = f.h - f.top - f.bottom;
  const X = (x: number) => f.left + (x / xs2.top) * pw;
  const Y = (y: number) => f.top + ph - (y / top) * ph;
  for (let v = 0; v <= xs2.top + 1e-9; v += xs2.step)
    out.push(
      `<text x="${X(v).toFixed(1)}" y="${f.top + ph + 14}" text-anchor="middle" font-size="10">${fmt(v)}</text>`,
    );
  out.push(
    `<text x="${f.left + pw / 2}" y="${f.top + ph + 30}" text-anchor="middle" font-size="11">${esc(o.xLabel)}</text>`,
  );
  out.push(
    `<line x1="${f.left}" x2="${f.w - f.right}" y1="${f.top + ph}" y2="${f.top + ph}" stroke="#333"/>`,
  );
  o.series.forEach((s, si) => {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const color = PALETTE[si % PALETTE.length] as string;
    if (pts.length > 1)
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ")}"/>`,
      );
    for (const p of pts)
      out.push(
        `<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${s.name}: ${fmt(p[0])}, ${fmt(p[1])}`)}</title></circle>`,
      );
  });
  out.push(
    ...legend(
      f,
      o.series.map((s) => s.name),
    ),
  );
  return wrap(f, out);
}

function wrap(f: Frame, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body.join("\n")}\n</svg>\n`;
}
