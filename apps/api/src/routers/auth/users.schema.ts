import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZListUsersInputSchema = z.strictObject({}).default({});

export const ZUpdateUserInputSchema = z.strictObject({
  userId: Uuid,
  displayName: z.string().min(1).max(200).nullable().optional(),
  platformRole: z.enum(["ADMIN", "OPERATOR", "MEMBER"]).optional(),
  disabled: z.boolean().optional().describe("Disabling ends the user's sessions."),
});
export type TUpdateUserInputSchema = z.output<typeof ZUpdateUserInputSchema>;
