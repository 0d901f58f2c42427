import { applyChatTemplate } from "@tessera/shared/tokens/tokenizer";
import type { ChatMessage } from "@tessera/shared/tokens/tokenizer";
import { describe, expect, it } from "vitest";
import { chatPromptText, completionPromptText } from "./prompt.ts";

describe("prompt text", () => {
  it("flattens chat messages exactly as the engines' chat template does", () => {
    const cases: ChatMessage[][] = [
      [],
      [{ role: "user", content: "hi" }],
      [
        { role: "system", content: `You are helpful.\n${"x".repeat(5000)}` },
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "image_url" },
            { type: "text", text: "b" },
          ],
        },
        { role: "assistant", content: null },
        { role: "user", content: "naïve café 東京 🚀" },
      ],
    ];
    for (const messages of cases)
      expect(chatPromptText(messages)).toBe(applyChatTemplate(messages));
  });

  it("skips what is not a message and treats a missing role or content as empty", () => {
    expect(chatPromptText([null, 3, "x", { content: "c" }, { role: "user" }])).toBe(
      "<|im_start|>\nc<|im_end|>\n<|im_start|>user\n<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(chatPromptText("not an array")).toBe("");
  });

  it("takes a completion's prompt string, or the first of a list", () => {
    expect(completionPromptText("p")).toBe("p");
    expect(completionPromptText(["a", "b"])).toBe("a");
    expect(completionPromptText([1, 2])).toBe("");
    expect(completionPromptText(undefined)).toBe("");
  });
});
