// corev1.ObjectReference, used by AutoscalingPolicy targets.
import { z } from "zod";
import { NAME_MAX } from "./names.ts";

export const ObjectReferenceSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().max(NAME_MAX).optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.output<typeof ObjectReferenceSchema>;
