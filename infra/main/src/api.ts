// The launcher talks to the API over its REST interface, logged in as the bootstrap admin, exactly
// as an operator's script would (so everything it does shows up in the audit log).
export interface Session {
  base: string;
  token: string;
}

export class ApiCallError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export async function call<T>(
  s: Session,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${s.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${s.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new ApiCallError(
      `${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`,
      res.status,
    );
  return JSON.parse(text) as T;
}

export async function login(base: string, email: string, password: string): Promise<Session> {
  const res = await fetch(`${base}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`login as ${email}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { base, token: (JSON.parse(text) as { token: string }).token };
}
