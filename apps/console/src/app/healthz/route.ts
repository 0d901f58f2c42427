// Liveness of the console's own server (the Dockerfile health check and the bundle test call it).
// It does not call the API: a console whose API is down still serves pages that say so.
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
