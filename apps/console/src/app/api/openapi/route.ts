// The API's OpenAPI document: the console reads the operation ids to learn which procedures this API
// offers, so pages show "not offered yet" instead of calling a procedure that does not exist.
import { proxyToApi } from "~/server/proxy";

export const dynamic = "force-dynamic";

export function GET(req: Request): Promise<Response> {
  return proxyToApi(req, "/openapi.json", (message) =>
    Response.json(
      { error: message, paths: {} },
      { status: 200, headers: { "x-tessera-api": "unreachable" } },
    ),
  );
}
