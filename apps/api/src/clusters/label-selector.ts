// Kubernetes label selector syntax, checked before a selector is sent to a cluster so a typo is a
// 400 naming the field rather than a cluster error: `a=b`, `a==b`, `a!=b`, `a`, `!a`,
// `a in (x,y)`, `a notin (x,y)`, joined by commas (k8s.io/apimachinery/pkg/labels).

// A label key: optional DNS-subdomain prefix and "/", then a name of at most 63 characters.
const NAME = "[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
const PREFIX = "[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?";
const KEY = `(?:${PREFIX}/)?${NAME}`;
const VALUE = `(?:${NAME})?`;

const EXISTS = new RegExp(`^!?\\s*${KEY}$`);
const EQUALITY = new RegExp(`^${KEY}\\s*(?:==|!=|=)\\s*${VALUE}$`);
const SET = new RegExp(
  `^${KEY}\\s+(?:in|notin)\\s*\\(\\s*(?:${VALUE})(?:\\s*,\\s*${VALUE})*\\s*\\)$`,
);

/** Splits on the commas that separate requirements (not those inside `in (…)` lists). */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  out.push(selector.slice(start));
  return out.map((r) => r.trim());
}

/** Why `selector` is not a valid label selector, or undefined when it is. */
export function labelSelectorProblem(selector: string): string | undefined {
  if (selector.trim() === "") return undefined;
  for (const r of requirements(selector)) {
    if (r === "") return "has an empty requirement (two commas or a trailing comma)";
    if (!EXISTS.test(r) && !EQUALITY.test(r) && !SET.test(r))
      return `"${r}" is not a label requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))`;
  }
  return undefined;
}
