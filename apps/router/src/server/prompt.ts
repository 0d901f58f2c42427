// Prompt extraction for scheduling (prefix hashing, token estimates): `prompt` for completions,
// `messages` for chat, flattened ChatML-style as the engines' chat template does, so the text seen
// by prefix-cache matches what the engine will tokenise.

function pushContent(parts: string[], content: unknown): void {
  if (typeof content === "string") {
    parts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content as unknown[]) {
    if (typeof part === "object" && part !== null) {
      const p = part as { type?: unknown; text?: unknown };
      if (p.type === "text" && typeof p.text === "string") parts.push(p.text);
    }
  }
}

/**
 * Built with one `join`, not `+=`: concatenation leaves a rope (V8 cons string), and the prefix
 * hash then pays an indirection on every character (≈ 40% more on a 16 KB chat prompt); join
 * returns one flat string.
 */
export function chatPromptText(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  const parts: string[] = [];
  for (const m of messages as unknown[]) {
    if (typeof m !== "object" || m === null) continue;
    const msg = m as { role?: unknown; content?: unknown };
    parts.push("<|im_start|>", typeof msg.role === "string" ? msg.role : "", "\n");
    pushContent(parts, msg.content);
    parts.push("<|im_end|>\n");
  }
  parts.push("<|im_start|>assistant\n");
  return parts.join("");
}

export function completionPromptText(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (Array.isArray(prompt)) {
    const first: unknown = prompt[0];
    if (typeof first === "string") return first;
  }
  return "";
}
