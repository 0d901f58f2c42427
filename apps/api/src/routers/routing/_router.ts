import { query, router } from "../../trpc/init.ts";
import { routingDecisions } from "./decisions.handler.ts";
import { routingEndpoints } from "./endpoints.handler.ts";

export const routingProcedures = [routingEndpoints, routingDecisions];

export const routingRouter = router({
  endpoints: query(routingEndpoints),
  decisions: query(routingDecisions),
});
