// Lighthouse-style measurements taken inside the page: First Contentful Paint and Cumulative Layout
// Shift from PerformanceObserver (buffered, so entries before the observer count too).
export const PERF_INIT = `
window.__perf = { fcp: null, shifts: [] };
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") window.__perf.fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__perf.shifts.push({ t: e.startTime, v: e.value });
  }).observe({ type: "layout-shift", buffered: true });
} catch (e) {}
`;

export interface PerfSample {
  fcp: number | null;
  shifts: { t: number; v: number }[];
}

export const clsOf = (s: PerfSample, after = 0) =>
  s.shifts.filter((x) => x.t >= after).reduce((a, x) => a + x.v, 0);
