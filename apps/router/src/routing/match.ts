// StringMatch (exact | prefix | regex) compiled once per object version. An invalid regex compiles to
// a matcher that never matches (as in Kthena) and is reported once at build time.
import type { StringMatch } from "@tessera/shared";

export const MATCH_EXACT = 0;
export const MATCH_PREFIX = 1;
export const MATCH_REGEX = 2;
export const MATCH_NEVER = 3;

export interface CompiledMatch {
  readonly kind: number;
  readonly value: string;
  readonly re: RegExp | null;
}

export function compileMatch(m: StringMatch, onInvalid?: (msg: string) => void): CompiledMatch {
  if (m.exact !== undefined) return { kind: MATCH_EXACT, value: m.exact, re: null };
  if (m.prefix !== undefined) return { kind: MATCH_PREFIX, value: m.prefix, re: null };
  if (m.regex !== undefined) {
    try {
      // Anchored: a StringMatch regex must match the whole value (Gateway API RegularExpression).
      return { kind: MATCH_REGEX, value: m.regex, re: new RegExp(`^(?:${m.regex})$`) };
    } catch (err) {
      onInvalid?.(`invalid regex ${JSON.stringify(m.regex)}: ${(err as Error).message}`);
      return { kind: MATCH_NEVER, value: m.regex, re: null };
    }
  }
  return { kind: MATCH_NEVER, value: "", re: null };
}

export function testMatch(m: CompiledMatch, v: string | undefined): boolean {
  if (v === undefined) return false;
  switch (m.kind) {
    case MATCH_EXACT:
      return v === m.value;
    case MATCH_PREFIX:
      return v.startsWith(m.value);
    case MATCH_REGEX:
      return m.re !== null && m.re.test(v);
    default:
      return false;
  }
}
