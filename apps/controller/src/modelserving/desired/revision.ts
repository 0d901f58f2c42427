// ControllerRevisions: one per ServingGroup template revision, so groups protected by a partition
// (or role replicas protected by a role partition) can be recreated from their own old template.
import { LABEL_MODEL_SERVING_NAME, LABEL_REVISION, ServingGroupSchema } from "@tessera/shared";
import type { ModelServing } from "@tessera/shared";
import type { ControllerRevisionObject } from "../../k8s/types.ts";
import { controllerRevisionName } from "../names.ts";
import { controllerRef } from "./owner.ts";
import type { Owner } from "./owner.ts";

type Template = ModelServing["spec"]["template"];

export function desiredControllerRevision(
  owner: Owner,
  revision: string,
  template: Template,
  number: number,
): ControllerRevisionObject {
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: controllerRevisionName(owner.name, revision),
      namespace: owner.namespace,
      labels: { [LABEL_MODEL_SERVING_NAME]: owner.name, [LABEL_REVISION]: revision },
      ownerReferences: [controllerRef(owner)],
    },
    data: { template },
    revision: number,
  };
}

/** The template stored in a ControllerRevision, or undefined when it is missing or unreadable. */
export function templateFromRevision(
  cr: ControllerRevisionObject | undefined,
): Template | undefined {
  const data = cr?.data as { template?: unknown } | undefined;
  if (!data?.template) return undefined;
  const parsed = ServingGroupSchema.safeParse(data.template);
  return parsed.success ? parsed.data : undefined;
}
