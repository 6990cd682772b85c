/**
 * Prompts: raw completion text, or chat messages through the model's own
 * chat template (node-llama-cpp's chat wrapper, no chat session).
 */
import { ArgumentError } from "@formwork/core";
import type { ChatHistoryItem, LlamaModel, Token } from "node-llama-cpp";

/** One chat message. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * The prompt's tokens: `prompt` tokenized as raw text (with the model's BOS
 * first when `shouldPrependBosToken`), or `messages` formatted by the chat wrapper node-llama-cpp
 * resolves for the model (its Jinja template when the GGUF has one), ending
 * with an open assistant turn.
 */
export async function promptTokens(model: LlamaModel, prompt: string | undefined, messages: readonly ChatMessage[] | undefined): Promise<Token[]> {
  if (prompt !== undefined && messages !== undefined) {
    throw new ArgumentError("prompt-conflict", "give either prompt or messages, not both", { hint: "Use messages for chat models, prompt for raw completion." });
  }
  if (messages !== undefined) {
    if (messages.length === 0) throw new ArgumentError("empty-messages", "messages is empty", { hint: "Give at least one user message." });
    const { resolveChatWrapper } = await import("node-llama-cpp");
    const wrapper = resolveChatWrapper(model);
    const history: ChatHistoryItem[] = [];
    for (const m of messages) {
      if (m.role === "system") history.push({ type: "system", text: m.content });
      else if (m.role === "user") history.push({ type: "user", text: m.content });
      else if (m.role === "assistant") history.push({ type: "model", response: [m.content] });
      else throw new ArgumentError("bad-message-role", `unknown message role "${String((m as { role: unknown }).role)}"`, { hint: 'Use "system", "user" or "assistant".' });
    }
    history.push({ type: "model", response: [] });
    const { contextText } = wrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(model.tokenizer);
  }
  const tokens = model.tokenize(prompt ?? "", false);
  const bos = model.tokens.bos;
  // As llama.cpp does for raw completion: the BOS token first when the model asks for it.
  if (bos !== null && model.tokens.shouldPrependBosToken && tokens[0] !== bos) return [bos, ...tokens];
  return tokens;
}
