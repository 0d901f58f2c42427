// resource.Quantity ("0.5", "8Gi", 2). As in every Kubernetes CRD it is an int-or-string node with
// the quantity pattern; a bare YAML float such as 0.5 is rejected by the apiserver, so zod rejects it too.
import { z } from "zod";
import { INT_OR_STRING } from "./k8s-extensions.ts";

// The same pattern Kubernetes puts on Quantity fields in generated CRDs.
const QUANTITY_SOURCE =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
export const QUANTITY = new RegExp(QUANTITY_SOURCE);
const MESSAGE = 'must be a quantity such as "0.5", "100m" or "8Gi" (quote decimals)';

export type Quantity = number | string;

export function quantity(description?: string) {
  // `pattern` only constrains the string form, exactly like Kubernetes' own Quantity schema.
  return z
    .union([z.int({ error: MESSAGE }), z.string().regex(QUANTITY, { error: MESSAGE })], {
      error: MESSAGE,
    })
    .meta({ ...INT_OR_STRING, pattern: QUANTITY_SOURCE, ...(description ? { description } : {}) });
}

const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Converts a quantity to a JavaScript number (adequate for metric targets and ratios, not for bytes > 2^53). */
export function quantityToNumber(value: Quantity): number {
  if (typeof value === "number") return value;
  const m =
    /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([eE][+-]?[0-9.]+|[KMGTPE]i|[numkMGTPE])?$/.exec(
      value,
    );
  if (!m) throw new Error(`not a quantity: ${value}`);
  const base = Number(m[1]);
  const suffix = m[2] ?? "";
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  const factor = SUFFIX[suffix];
  if (factor === undefined) throw new Error(`not a quantity: ${value}`);
  return base * factor;
}
