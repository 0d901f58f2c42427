import { describe, expect, it } from "vitest";
import { barChart, lineChart, niceScale } from "./svg.ts";
import { csv, markdownTable } from "./table.ts";

describe("tables", () => {
  it("quotes CSV cells that need it and leaves non-finite numbers empty", () => {
    expect(
      csv([
        { a: 'x,"y"', b: 1.5, c: NaN },
        { a: "z", b: 2, c: 3 },
      ]),
    ).toBe('a,b,c\n"x,""y""",1.5,\nz,2,3\n');
  });

  it("renders markdown with numeric columns right-aligned", () => {
    const md = markdownTable([{ name: "r", v: 0.12345, n: 12 }]);
    expect(md).toBe("| name | v | n |\n| --- | ---: | ---: |\n| r | 0.123 | 12 |\n");
  });
});

describe("svg charts", () => {
  it("picks round axis bounds", () => {
    expect(niceScale(23)).toEqual({ top: 25, step: 5 });
    expect(niceScale(0.9)).toEqual({ top: 1, step: 0.2 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.2 });
  });

  it("draws one bar per finite value and one polyline per series", () => {
    const bars = barChart({
      title: "t <&>",
      yLabel: "y",
      categories: ["a", "b"],
      series: [
        { name: "s1", values: [1, 2] },
        { name: "s2", values: [3, NaN] },
      ],
    });
    expect(bars.match(/<rect x=/g)).toHaveLength(3 + 2); // 3 bars + 2 legend swatches
    expect(bars).toContain("t &lt;&amp;&gt;");
    const lines = lineChart({
      title: "l",
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          name: "s",
          points: [
            [1, 2],
            [2, 4],
          ],
        },
      ],
    });
    expect(lines.match(/<polyline/g)).toHaveLength(1);
    expect(lines.match(/<circle/g)).toHaveLength(2);
  });
});
