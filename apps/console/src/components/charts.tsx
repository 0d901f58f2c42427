"use client";
// One chart component for every chart in the console (recharts): a fixed-height box (so data
// arriving never moves the page), themed axes, tooltip and legend, and a list of series drawn as
// lines, step lines, areas or (stacked) bars. Optional shaded x-ranges mark periods such as the
// tuner's panic mode.
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

export const PALETTE = [
  "var(--c1)",
  "var(--c2)",
  "var(--c3)",
  "var(--c4)",
  "var(--c5)",
  "var(--c6)",
];
const TOOLTIP_STYLE = { background: "var(--panel)", border: "1px solid var(--border)" };

export interface Series {
  key: string;
  name: string;
  color: string;
  kind?: "line" | "step" | "area" | "bar";
  /** Bars (or areas) with the same stack id are stacked. */
  stack?: string;
  /** "right": plotted against a second y-axis on the right. */
  axis?: "left" | "right";
  fillOpacity?: number;
}

export interface ChartProps<T> {
  /** Accessible description of what the chart shows. */
  label: string;
  testId?: string;
  data: readonly T[];
  xKey: keyof T & string;
  /** "number": a continuous x-axis (time in ms, for instance). */
  xType?: "category" | "number";
  xFormat?: (value: never) => string;
  series: readonly Series[];
  integerY?: boolean;
  bands?: readonly { x1: number; x2: number }[];
  bandOpacity?: number;
  legend?: boolean;
}

export function Chart<T>({
  label,
  testId,
  data,
  xKey,
  xType = "category",
  xFormat,
  series,
  integerY = false,
  bands = [],
  bandOpacity = 0.1,
  legend = true,
}: ChartProps<T>) {
  const right = series.some((s) => s.axis === "right");
  const xDataKey: string = xKey;
  const fmt = xFormat as ((value: unknown) => string) | undefined;
  return (
    <div className="chart-box" role="img" aria-label={label} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={data as unknown as Record<string, unknown>[]}
          margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
        >
          <CartesianGrid
            stroke="var(--border)"
            strokeDasharray="3 3"
            vertical={xType === "number"}
          />
          <XAxis
            dataKey={xDataKey}
            stroke="var(--muted)"
            fontSize={11}
            {...(xType === "number" ? { type: "number", domain: ["dataMin", "dataMax"] } : {})}
            {...(fmt ? { tickFormatter: fmt } : {})}
          />
          <YAxis
            yAxisId="left"
            allowDecimals={!integerY}
            stroke="var(--muted)"
            fontSize={11}
            width={44}
          />
          {right ? (
            <YAxis
              yAxisId="right"
              orientation="right"
              stroke="var(--muted)"
              fontSize={11}
              width={44}
            />
          ) : null}
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            {...(fmt ? { labelFormatter: (v: unknown) => fmt(v) } : {})}
          />
          {legend ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {bands.map((b) => (
            <ReferenceArea
              key={b.x1}
              yAxisId="left"
              x1={b.x1}
              x2={b.x2}
              fill="var(--bad)"
              fillOpacity={bandOpacity}
              ifOverflow="extendDomain"
            />
          ))}
          {series.map((s) => {
            const common = {
              dataKey: s.key,
              name: s.name,
              yAxisId: s.axis ?? "left",
              isAnimationActive: false,
              ...(s.stack ? { stackId: s.stack } : {}),
            };
            if (s.kind === "bar")
              return (
                <Bar key={s.key} {...common} fill={s.color} fillOpacity={s.fillOpacity ?? 1} />
              );
            if (s.kind === "area")
              return (
                <Area
                  key={s.key}
                  {...common}
                  type="monotone"
                  stroke={s.color}
                  fill={s.color}
                  fillOpacity={s.fillOpacity ?? 0.15}
                />
              );
            return (
              <Line
                key={s.key}
                {...common}
                type={s.kind === "step" ? "stepAfter" : "linear"}
                stroke={s.color}
                strokeWidth={s.kind === "step" ? 2 : 1.5}
                dot={false}
              />
            );
          })}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
