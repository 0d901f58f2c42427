import { z } from "zod";

export const ZCreateUserInputSchema = z.strictObject({
  email: z.email(),
  displayName: z.string().min(1).max(200).optional(),
  password: z
    .string()
    .min(12)
    .max(200)
    .optional()
    .describe("At least 12 characters; absent: invited, cannot log in yet."),
  platformRole: z.enum(["ADMIN", "OPERATOR", "MEMBER"]).default("MEMBER"),
});
export type TCreateUserInputSchema = z.output<typeof ZCreateUserInputSchema>;
