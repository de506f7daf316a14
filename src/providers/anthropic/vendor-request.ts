// The Anthropic vendor adapter, outbound: OpenAI chat requests as Anthropic Messages requests, for deployments of type `anthropic`.
import { GatewayError } from '../../errors.ts';
import type { JsonObject } from '../../wire/json.ts';

const DEFAULT_MAX_TOKENS = 4096;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (typeof (p as JsonObject).text === 'string' ? (p as JsonObject).text : '')).join('');
  return '';
}

function blocksOf(content: unknown): JsonObject[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  return (content as JsonObject[]).flatMap((part): JsonObject[] => {
    if (part.type === 'text') return [{ type: 'text', text: String(part.text ?? '') }];
    if (part.type === 'image_url') {
      const url = String((part.image_url as JsonObject | undefined)?.url ?? '');
      const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
      return [
        { type: 'image', source: data ? { type: 'base64', media_type: data[1], data: data[2] } : { type: 'url', url } },
      ];
    }
    return [];
  });
}

export function chatToAnthropic(body: JsonObject, model: string): JsonObject {
  if (body.logprobs)
    throw new GatewayError('unsupported_parameter', "This model's vendor does not return logprobs.", {
      param: 'logprobs',
    });
  if (typeof body.n === 'number' && body.n > 1)
    throw new GatewayError(
      'unsupported_parameter',
      "This model's vendor returns one choice per request; 'n' must be 1.",
      { param: 'n' },
    );
  const system: string[] = [];
  const messages: JsonObject[] = [];
  const push = (role: 'user' | 'assistant', blocks: JsonObject[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    // Anthropic wants alternating roles: merge consecutive turns of the same role.
    if (last && last.role === role) (last.content as JsonObject[]).push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of (body.messages as JsonObject[]) ?? []) {
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content));
    else if (m.role === 'user') push('user', blocksOf(m.content));
    else if (m.role === 'tool')
      push('user', [{ type: 'tool_result', tool_use_id: String(m.tool_call_id), content: textOf(m.content) }]);
    else if (m.role === 'assistant') {
      const blocks = blocksOf(m.content);
      for (const call of (m.tool_calls as JsonObject[] | undefined) ?? []) {
        const fn = call.function as JsonObject;
        let input: unknown;
        try {
          input = JSON.parse(String(fn.arguments || '{}'));
        } catch {
          throw new GatewayError(
            'invalid_tool_arguments',
            `Tool call ${String(call.id)} has arguments that are not JSON.`,
            { param: 'messages' },
          );
        }
        blocks.push({ type: 'tool_use', id: call.id, name: fn.name, input });
      }
      push('assistant', blocks);
    }
  }
  const out: JsonObject = {
    model,
    messages,
    max_tokens: Number(body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS),
  };
  if (system.length > 0) out.system = system.join('\n\n');
  if (body.temperature !== undefined && body.temperature !== null)
    out.temperature = Math.min(1, Number(body.temperature));
  if (body.top_p !== undefined && body.top_p !== null) out.top_p = body.top_p;
  if (body.stop) out.stop_sequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    out.tools = (body.tools as JsonObject[]).map((t) => {
      const fn = t.function as JsonObject;
      return {
        name: fn.name,
        description: fn.description,
        input_schema: fn.parameters ?? { type: 'object', properties: {} },
      };
    });
  }
  const choice = body.tool_choice;
  if (choice === 'required') out.tool_choice = { type: 'any' };
  else if (choice === 'auto') out.tool_choice = { type: 'auto' };
  else if (choice === 'none') out.tool_choice = { type: 'none' };
  else if (choice && typeof choice === 'object')
    out.tool_choice = { type: 'tool', name: ((choice as JsonObject).function as JsonObject).name };
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (body.stream === true) out.stream = true;
  return out;
}
