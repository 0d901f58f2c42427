// Keeps `String.prototype` in V8's fast (descriptor) mode, so optimised code can inline string
// methods (`text.charCodeAt(i)` in the prefix-cache hash, `slice`/`charCodeAt` in the prompt token
// cache) instead of calling the generic LoadIC builtin for every method load.
//
// Why it is needed: ioredis (>= 6) declares `class VerbatimString extends String`. Making an object
// the prototype of a new class normalises it into dictionary mode ("setup mode"), and V8 turns a
// prototype back into fast mode only when an inline cache misses on a lookup that starts at an
// *object*; lookups on string primitives never do that. So once ioredis is loaded, every method load
// on a string in optimised code becomes a call: on the overhead benchmark's 16 KB prompt the block
// hash (16,384 `charCodeAt` loads) went from ≈ 50 µs to ≈ 200 µs per request, which is most of the
// prefix-cache scorer's cost under load (found with `--cpu-prof` and `perf`, see docs/router.md).
//
// The fix: a few property loads through a `String` wrapper object. Once the function doing them has
// a feedback vector (after about eight calls) its IC misses with an object receiver, and V8 marks
// `String.prototype` as a prototype that should be fast and migrates it back. The mark is sticky:
// later `extends String` classes no longer normalise it, so calling this before or after ioredis is
// loaded gives the same result. Behaviour is unchanged either way; only speed depends on it.

let done = false;

function methodOf(wrapper: object): unknown {
  return (wrapper as { charCodeAt: unknown }).charCodeAt;
}

/** Idempotent; cheap (a few dozen property loads, once per process). */
export function keepStringPrototypeFast(): void {
  if (done) return;
  done = true;
  const wrapper: object = new String("");
  for (let i = 0; i < 64; i++) methodOf(wrapper);
}
