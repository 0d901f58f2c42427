// A self-contained API reference page rendered from the OpenAPI document (no CDN, no scripts
// from elsewhere), served at /docs.
type Json = Record<string, unknown>;

const esc = (s: unknown): string =>
  (typeof s === "string" ? s : s === undefined || s === null ? "" : JSON.stringify(s)).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

function schemaSummary(schema: unknown, depth = 0): string {
  if (!schema || typeof schema !== "object" || depth > 3) return "";
  const s = schema as Json;
  const props = s["properties"] as Record<string, Json> | undefined;
  if (!props) return `<code>${esc(s["type"] ?? "any")}</code>`;
  const req = new Set((s["required"] ?? []) as string[]);
  const rows = Object.entries(props)
    .map(([k, v]) => {
      const type = (v["type"] as string | undefined) ?? (v["anyOf"] ? "one of" : "any");
      const nested = v["properties"]
        ? schemaSummary(v, depth + 1)
        : v["type"] === "array" && (v["items"] as Json | undefined)?.["properties"]
          ? schemaSummary(v["items"], depth + 1)
          : "";
      return `<tr><td><code>${esc(k)}</code>${req.has(k) ? " *" : ""}</td><td>${esc(type)}${v["enum"] ? ` (${esc((v["enum"] as unknown[]).join(" | "))})` : ""}</td><td>${esc(v["description"])}${nested}</td></tr>`;
    })
    .join("");
  return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows}</table>`;
}

export function renderReference(doc: Json): string {
  const info = doc["info"] as Json;
  const paths = doc["paths"] as Record<string, Record<string, Json>>;
  const sections = Object.entries(paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const params = (op["parameters"] ?? []) as Json[];
        const body = ((op["requestBody"] as Json | undefined)?.["content"] as Json | undefined)?.[
          "application/json"
        ] as Json | undefined;
        return `<section id="${esc(op["operationId"])}"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op["summary"])} <small>tRPC <code>${esc(op["operationId"])}</code> · access <code>${esc(op["x-tessera-access"] ?? "session")}</code></small></p>
${params.length ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th></tr>${params.map((p) => `<tr><td><code>${esc(p["name"])}</code>${p["required"] ? " *" : ""}</td><td>${esc(p["in"])}</td><td>${esc((p["schema"] as Json | undefined)?.["type"] ?? "")}</td></tr>`).join("")}</table>` : ""}
${body ? `<h4>Body</h4>${schemaSummary(body["schema"])}` : ""}</section>`;
      }),
    )
    .join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(info["title"])} reference</title>
<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}code{font:13px ui-monospace,monospace}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4em;padding:1px 4px;border-radius:3px;color:#fff;font-size:12px;text-align:center}
.get{background:#2b7}.post{background:#27c}.put{background:#c82}.patch{background:#a5c}.delete{background:#c33}section{border-top:1px solid #eee;padding:.5em 0}</style></head>
<body><h1>${esc(info["title"])} <small>${esc(info["version"])}</small></h1><p>${esc(info["description"])}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Errors: <code>{"error":{"code","message","issues":[{"path","message"}]}}</code>.</p>
${sections}</body></html>`;
}
