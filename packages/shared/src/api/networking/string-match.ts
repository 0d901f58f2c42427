// Matching of request attributes in ModelRoute rules (and ModelBooster, which reuses ModelMatch).
import { z } from "zod";
import { withRules } from "../common/rules.ts";

export const StringMatchSchema = withRules(
  z.strictObject({
    exact: z.string().optional(),
    prefix: z.string().optional(),
    regex: z.string().optional(),
  }),
  [
    {
      cel: "(has(self.exact) ? 1 : 0) + (has(self.prefix) ? 1 : 0) + (has(self.regex) ? 1 : 0) == 1",
      message: "exactly one of exact, prefix or regex must be set",
      test: (m) => [m.exact, m.prefix, m.regex].filter((x) => x !== undefined).length === 1,
    },
  ],
);
export type StringMatch = z.output<typeof StringMatchSchema>;

/** All present conditions must hold; a missing modelMatch matches every request. */
export const ModelMatchSchema = z.strictObject({
  headers: z.record(z.string(), StringMatchSchema).optional().describe("Request headers by name."),
  uri: StringMatchSchema.optional().describe("Request path."),
  body: z
    .strictObject({ model: z.string().optional() })
    .optional()
    .describe("Fields of the JSON request body."),
});
export type ModelMatch = z.output<typeof ModelMatchSchema>;
