// Stage: the reply to a token count (Anthropic's POST /v1/messages/count_tokens), in place of forwarding. It runs
// after the stages that decide whether a call would be served (authenticate, parse, resolve model, authorize,
// route), and counts the prompt with the tokenizer that bills vendors reporting no usage. Nothing is billed.
import { countPromptTokens } from '../metering/delivered-tokens.ts';
import type { Stage } from './context.ts';

export const countInputTokens: Stage = async (ctx) => {
  ctx.reply = { kind: 'json', body: { input_tokens: await countPromptTokens(ctx.body!) } };
};
