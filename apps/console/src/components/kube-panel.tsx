"use client";
// A panel listing Kubernetes objects of one kind across the clusters it was fanned out to (headlamp's
// ResourceListView): the fan-out's loading/error/empty state, then a table configured by columns.
import type { KubeObject } from "~/lib/kube";
import type { FanOut } from "~/lib/resources";
import { fanOutState, Panel } from "./page-shell";
import { ResourceTable, type Column } from "./resource-table";

export function KubeObjectsPanel<T extends KubeObject<unknown, unknown>>({
  id,
  title,
  list,
  columns,
  emptyTitle,
  testId,
}: {
  id: string;
  title: string;
  list: FanOut<T>;
  columns: readonly Column<T & { cluster: string }>[];
  emptyTitle: string;
  testId?: string;
}) {
  return (
    <Panel
      id={id}
      title={title}
      rows={2}
      state={fanOutState(list, {
        when: list.settled && list.items.length === 0,
        title: emptyTitle,
      })}
    >
      <ResourceTable
        items={list.items}
        columns={columns}
        rowKey={(o) => `${o.cluster}/${o.metadata.namespace ?? ""}/${o.metadata.name}`}
        {...(testId ? { testId } : {})}
      />
    </Panel>
  );
}
