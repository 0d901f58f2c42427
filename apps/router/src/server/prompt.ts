// Prompt extraction for scheduling (prefix hashing, token estimates): `prompt` for completions,
// `messages` for chat, flattened ChatML-style as the engines' chat template does, so the text seen
// by prefix-cache matches what the engine will tokenise.

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let s = "";
  for (const part of content as unknown[]) {
    if (typeof part === "object" && part !== null) {
      const p = part as { type?: unknown; text?: unknown };
      if (p.type === "text" && typeof p.text === "string") s += p.text;
    }
  }
  return s;
}

export function chatPromptText(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  let s = "";
  for (const m of messages as unknown[]) {
    if (typeof m !== "object" || m === null) continue;
    const msg = m as { role?: unknown; content?: unknown };
    s += `<|im_start|>${typeof msg.role === "string" ? msg.role : ""}\n${contentText(msg.content)}<|im_end|>\n`;
  }
  return s + "<|im_start|>assistant\n";
}

export function completionPromptText(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (Array.isArray(prompt)) {
    const first: unknown = prompt[0];
    if (typeof first === "string") return first;
  }
  return "";
}
