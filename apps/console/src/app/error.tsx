"use client";

export default function ErrorBoundary({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="state error" role="alert">
      <strong>Something went wrong on this page</strong>
      <div className="small">{error.message}</div>
      <button type="button" className="btn small" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
