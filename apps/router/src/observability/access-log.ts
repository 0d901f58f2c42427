// One structured access-log entry per /v1/* request, with Kthena's field names (reference §4.10)
// plus Tessera's: prefill pod, tenant and api key placeholders, retry count. Durations are ms.
import type { Logger } from "pino";

export interface AccessLogEntry {
  timestamp: string;
  method: string;
  path: string;
  protocol: string;
  status_code: number;
  error: { type: string; message: string } | null;
  model_name: string | null;
  model_route: string | null;
  model_server: string | null;
  selected_pod: string | null;
  prefill_pod: string | null;
  request_id: string;
  backend_type: string | null;
  backend_name: string | null;
  upstream_model: string | null;
  upstream_status_code: number | null;
  upstream_attempts: number;
  error_origin: "router" | "upstream" | "client" | null;
  gateway: null;
  http_route: null;
  inference_pool: null;
  input_tokens: number;
  output_tokens: number;
  stream: boolean;
  tenant: string | null;
  api_key: string | null;
  duration_total: number;
  duration_request_processing: number;
  duration_upstream_processing: number;
  duration_response_processing: number;
}

export class AccessLog {
  readonly #log: Logger | null;

  constructor(log: Logger | null) {
    this.#log = log;
  }

  write(e: AccessLogEntry): void {
    this.#log?.info({ access: e }, "access");
  }
}
