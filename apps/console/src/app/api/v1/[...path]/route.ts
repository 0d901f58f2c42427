// REST calls the console needs (login and logout set cookies, so they are REST) → the API's /v1.
import { proxyToApi } from "~/server/proxy";

export const dynamic = "force-dynamic";

async function handler(
  req: Request,
  ctx: { params: Promise<{ path: string[] }> },
): Promise<Response> {
  const { path } = await ctx.params;
  const src = new URL(req.url);
  return proxyToApi(req, `/v1/${path.map(encodeURIComponent).join("/")}${src.search}`, (message) =>
    Response.json({ error: { code: "CONSOLE_ERR_API_UNREACHABLE", message } }, { status: 502 }),
  );
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
