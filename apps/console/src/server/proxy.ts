// Same-origin proxy to the API. The browser only ever talks to the console's origin, so the API's
// session cookie stays first-party; the API URL is read at runtime (src/env.ts), not at build time.
import { serverEnv } from "~/env";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "content-encoding",
  "accept-encoding",
]);

/** Forwards `req` to `${TESSERA_API_URL}${path}` (path includes the query string). */
export async function proxyToApi(
  req: Request,
  path: string,
  onUnreachable: (message: string) => Response,
): Promise<Response> {
  const env = serverEnv();
  const headers = new Headers();
  req.headers.forEach((v, k) => {
    if (!HOP_BY_HOP.has(k)) headers.set(k, v);
  });
  let upstream: Response;
  try {
    upstream = await fetch(`${env.TESSERA_API_URL.replace(/\/$/, "")}${path}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? null : await req.arrayBuffer(),
      redirect: "manual",
      cache: "no-store",
    });
  } catch (e) {
    return onUnreachable(
      `API unreachable at ${env.TESSERA_API_URL}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const out = new Headers();
  upstream.headers.forEach((v, k) => {
    if (!HOP_BY_HOP.has(k) && k !== "set-cookie") out.set(k, v);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append("set-cookie", cookie);
  return new Response(upstream.body, { status: upstream.status, headers: out });
}
