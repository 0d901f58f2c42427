// tRPC, in three parts (t3 style):
// 1. CONTEXT — context.ts.
// 2. INITIALIZATION — `t` with an error formatter that carries the API error code and field issues.
// 3. ROUTER & PROCEDURE — named middleware stacks per access level, and `query`/`mutation`, which
//    turn a ProcedureDef (the same one REST serves) into a tRPC procedure.
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { API_ERRORS, ApiError, validationError } from "../errors.ts";
import { authorize, tenantIdOf } from "../services/authz.ts";
import type { TrpcContext } from "./context.ts";
import type { Access, Actor, ProcedureDef } from "./procedure.ts";

// ---------------------------------------------------------------------------------------------
// 2. INITIALIZATION
// ---------------------------------------------------------------------------------------------

function toApiError(cause: unknown): ApiError | undefined {
  if (cause instanceof ApiError) return cause;
  if (cause instanceof z.ZodError) return validationError(cause);
  return undefined;
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    const api = toApiError(error.cause);
    return {
      ...shape,
      message: api?.message ?? (shape.data.httpStatus >= 500 ? "Internal error" : shape.message),
      data: {
        ...shape.data,
        stack: undefined,
        apiCode: api?.code ?? (shape.data.httpStatus >= 500 ? "API_ERR_INTERNAL" : undefined),
        issues: api?.issues,
        details: api?.details,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** ApiError → TRPCError with the table's tRPC code; the ApiError stays as `cause`. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ApiError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: API_ERRORS[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

// ---------------------------------------------------------------------------------------------
// 3. ROUTER & PROCEDURE
// ---------------------------------------------------------------------------------------------

export const publicProcedure = t.procedure.use(mapErrors);

/** Checks the access rule before input parsing (tenant scope reads the raw `tenantId`). */
const requireAccess = (access: Access) =>
  t.middleware(async ({ ctx, getRawInput, next }) => {
    authorize(access, ctx.actor, tenantIdOf(await getRawInput()));
    return next({ ctx: { ...ctx, actor: ctx.actor as Actor } });
  });

export const authedProcedure = publicProcedure.use(requireAccess("authed"));
export const userProcedure = publicProcedure.use(requireAccess("user"));
export const operatorProcedure = publicProcedure.use(requireAccess("operator"));
export const platformAdminProcedure = publicProcedure.use(requireAccess("admin"));

function base<I extends z.ZodType, O>(def: ProcedureDef<I, O>) {
  // Access first, then input validation: an unauthorized caller learns nothing from a 400.
  return publicProcedure.use(requireAccess(def.access)).input(def.input);
}

export function query<I extends z.ZodType, O>(def: ProcedureDef<I, O>) {
  return base(def).query(({ ctx, input }) =>
    def.handler({ ctx: ctx, input: input as z.output<I> }),
  );
}

export function mutation<I extends z.ZodType, O>(def: ProcedureDef<I, O>) {
  return base(def).mutation(({ ctx, input }) =>
    def.handler({ ctx: ctx, input: input as z.output<I> }),
  );
}
