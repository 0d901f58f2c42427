// The only place the bench package touches the environment: child processes (engines, router,
// peers) inherit this process's environment plus the variables a benchmark sets for them.
export function childEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, ...extra };
}
