"use client";
// The scaffold every page and panel shares: a header with the last-updated clock, then exactly one
// of loading / error / empty before the content. Pages describe their data state once instead of
// repeating the same four conditionals in every section.
import type { ReactNode } from "react";
import type { ApiErrorInfo } from "~/lib/api-client";
import { Empty, ErrorState, LastUpdated, Loading } from "./states";

export interface DataState {
  /** First load with nothing to show yet (refetches never set it, so live updates do not shift). */
  isLoading?: boolean;
  error?: ApiErrorInfo | readonly ApiErrorInfo[] | null;
  retry?: () => void;
  /** Shown when the data arrived and there is nothing in it. */
  empty?: { when: boolean; title: string; hint?: ReactNode };
}

/** The data state of one query (`useApiQuery`), with what to say when it is empty. */
export function queryState(
  q: { isLoading: boolean; error: ApiErrorInfo | null; refetch: () => void },
  empty?: DataState["empty"],
): DataState {
  return { isLoading: q.isLoading, error: q.error, retry: q.refetch, ...(empty ? { empty } : {}) };
}

/** The data state of a per-cluster fan-out (`useList`). */
export function fanOutState(
  list: { isLoading: boolean; errors: readonly ApiErrorInfo[]; refetch: () => void },
  empty?: DataState["empty"],
): DataState {
  return {
    isLoading: list.isLoading,
    error: list.errors,
    retry: list.refetch,
    ...(empty ? { empty } : {}),
  };
}

function errorsOf(error: DataState["error"]): ApiErrorInfo[] {
  if (!error) return [];
  return Array.isArray(error) ? [...(error as readonly ApiErrorInfo[])] : [error as ApiErrorInfo];
}

/** Loading skeleton, error (with retry) or empty state for one piece of data; nothing when it has data. */
export function DataStateView({
  state,
  rows = 3,
}: {
  state?: DataState | undefined;
  rows?: number;
}) {
  if (!state) return null;
  const errors = errorsOf(state.error);
  return (
    <>
      {state.isLoading ? <Loading rows={rows} /> : null}
      {errors.length ? (
        <ErrorState error={errors} {...(state.retry ? { retry: state.retry } : {})} />
      ) : null}
      {!state.isLoading && !errors.length && state.empty?.when ? (
        <Empty title={state.empty.title}>{state.empty.hint}</Empty>
      ) : null}
    </>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-head">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div className="row">{actions}</div> : null}
    </header>
  );
}

/**
 * A page: header (title, description, actions, and the last-updated clock when `updatedAt` is
 * given), the page-level data state, then the content. Content renders alongside an error so
 * panels with their own data keep working when one call fails.
 */
export function PageShell({
  title,
  description,
  actions,
  updatedAt,
  state,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  updatedAt?: number;
  state?: DataState;
  children?: ReactNode;
}) {
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          actions || updatedAt !== undefined ? (
            <>
              {actions}
              {updatedAt !== undefined ? <LastUpdated at={updatedAt} /> : null}
            </>
          ) : undefined
        }
      />
      <DataStateView state={state} />
      {children}
    </>
  );
}

/** A titled card section with its own data state (the block every page repeats). */
export function Panel({
  id,
  title,
  state,
  rows,
  headerExtra,
  className = "card",
  testId,
  bodyMinHeight,
  children,
}: {
  /** Id of the heading; the section is labelled by it. */
  id: string;
  title: ReactNode;
  state?: DataState;
  rows?: number;
  /** Controls shown on the heading's line (a select, a button). */
  headerExtra?: ReactNode;
  className?: string;
  testId?: string;
  /** Reserve this much height for the body, so data replacing a loading or empty state (or the
   * reverse, on a live refresh) does not move what is below. */
  bodyMinHeight?: number;
  children?: ReactNode;
}) {
  const body = (
    <>
      <DataStateView state={state} {...(rows ? { rows } : {})} />
      {children}
    </>
  );
  return (
    <section className={className} aria-labelledby={id} data-testid={testId}>
      {headerExtra ? (
        <div className="panel-head">
          <h2 id={id}>{title}</h2>
          {headerExtra}
        </div>
      ) : (
        <h2 id={id}>{title}</h2>
      )}
      {bodyMinHeight ? <div style={{ minHeight: bodyMinHeight }}>{body}</div> : body}
    </section>
  );
}
