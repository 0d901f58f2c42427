import { mutation, query, router } from "../../trpc/init.ts";
import { getDesign, listDesigns, renderDesign } from "./get.handler.ts";
import { saveDesign } from "./save.handler.ts";

export const topologiesProcedures = [saveDesign, listDesigns, getDesign, renderDesign];

export const topologiesRouter = router({
  save: mutation(saveDesign),
  list: query(listDesigns),
  get: query(getDesign),
  render: query(renderDesign),
});
