// Maps every error to `{ error: { code, message, issues?, details? } }` with the table's HTTP status.
// Unknown errors are logged and answered with a bare 500 (no internals, no secrets).
import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "../errors.ts";

export const errorPlugin = fp(
  (app: FastifyInstance, _opts: unknown, done: () => void) => {
    app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
      let api: ApiError;
      if (err instanceof ApiError) api = err;
      else if ("statusCode" in err && err.statusCode === 429)
        api = new ApiError("API_ERR_RATE_LIMITED", err.message);
      else if ("validation" in err && err.validation)
        api = new ApiError("API_ERR_VALIDATION", err.message);
      else if (
        "statusCode" in err &&
        typeof err.statusCode === "number" &&
        err.statusCode >= 400 &&
        err.statusCode < 500
      ) {
        api = new ApiError(
          err.statusCode === 404
            ? "API_ERR_NOT_FOUND"
            : err.statusCode === 415 || err.statusCode === 413
              ? "API_ERR_VALIDATION"
              : "API_ERR_VALIDATION",
          err.message,
        );
      } else {
        req.log.error(
          { err: { message: err.message, name: err.name, stack: err.stack } },
          "unhandled error",
        );
        api = new ApiError("API_ERR_INTERNAL");
      }
      if (api.status >= 500) req.log.warn({ code: api.code, msg: api.message }, "request failed");
      void reply.status(api.status).send({ error: api.toJSON() });
    });
    app.setNotFoundHandler((req, reply) => {
      void reply.status(404).send({
        error: new ApiError(
          "API_ERR_NOT_FOUND",
          `no route ${req.method} ${req.url.split("?")[0] ?? ""}`,
        ).toJSON(),
      });
    });
    done();
  },
  { name: "tessera-errors" },
);
