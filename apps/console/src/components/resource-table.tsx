"use client";
// A table of items configured by columns (headlamp's ResourceListView): each column has a stable
// id, a label and how to get its cell, so list pages are a few lines of configuration.
import type { ReactNode } from "react";

export interface Column<T> {
  id: string;
  label: ReactNode;
  cell: (item: T) => ReactNode;
  numeric?: boolean;
  width?: number | string;
  className?: string;
}

export function ResourceTable<T>({
  items,
  columns,
  rowKey,
  testId,
  rowProps,
}: {
  items: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (item: T) => string;
  testId?: string;
  rowProps?: (item: T) => { className?: string };
}) {
  if (items.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.id}
                scope="col"
                className={c.numeric ? "num" : undefined}
                style={c.width !== undefined ? { width: c.width } : undefined}
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={rowKey(item)} {...(rowProps?.(item) ?? {})}>
              {columns.map((c) => (
                <td
                  key={c.id}
                  className={
                    [c.numeric ? "num" : "", c.className ?? ""].join(" ").trim() || undefined
                  }
                >
                  {c.cell(item)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
