// tRPC calls from the browser → the API's tRPC endpoint.
import { serverEnv } from "~/env";
import { proxyToApi } from "~/server/proxy";

export const dynamic = "force-dynamic";

async function handler(
  req: Request,
  ctx: { params: Promise<{ trpc: string[] }> },
): Promise<Response> {
  const { trpc } = await ctx.params;
  const src = new URL(req.url);
  const path = `${serverEnv().TESSERA_API_TRPC_PATH}/${trpc.map(encodeURIComponent).join("/")}${src.search}`;
  return proxyToApi(req, path, (message) => {
    const one = {
      error: {
        message,
        code: -32603,
        data: {
          code: "INTERNAL_SERVER_ERROR",
          httpStatus: 502,
          apiCode: "CONSOLE_ERR_API_UNREACHABLE",
        },
      },
    };
    // A batched call expects one result per procedure in the path ("a,b,c").
    const count = src.searchParams.get("batch") ? (trpc[0] ?? "").split(",").length : 0;
    return Response.json(count ? Array.from({ length: count }, () => one) : one, { status: 502 });
  });
}

export { handler as GET, handler as POST };
