// Field schemas shared by procedure inputs.
import { z } from "zod";

export const Uuid = z.uuid({ error: "must be a UUID" });
export const TenantId = Uuid.describe("Tenant id.");
export const DnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label (lower case letters, digits, '-')",
  );

/** A list in JSON, or comma-separated / repeated in a query string. */
export const idList = z.preprocess(
  (v) => (typeof v === "string" ? v.split(",").filter(Boolean) : v),
  z.array(Uuid).min(1),
);

export const QuotaModel = z
  .string()
  .min(1)
  .max(253)
  .describe('Model name, or "*" for every model without its own quota.');
