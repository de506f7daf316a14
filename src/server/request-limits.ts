// Limits on the shape of a request, beyond its size: how deep its JSON nests, how many messages (or input items)
// and tools it carries. Each refusal names the limit and the configuration key that sets it.
import { GatewayError } from '../errors.ts';

export interface RequestLimits {
  /** server.max_json_depth */
  maxJsonDepth: number;
  /** server.max_messages: `messages` (chat, Anthropic) or `input` items (Responses API). */
  maxMessages: number;
  /** server.max_tools */
  maxTools: number;
  /** server.stream_stall_ms: a streaming client that takes nothing for this long is dropped. */
  streamStallMs: number;
}

export function requestLimitsOf(server: {
  max_json_depth: number;
  max_messages: number;
  max_tools: number;
  stream_stall_ms: number;
}): RequestLimits {
  return {
    maxJsonDepth: server.max_json_depth,
    maxMessages: server.max_messages,
    maxTools: server.max_tools,
    streamStallMs: server.stream_stall_ms,
  };
}

/** Whether `value` nests arrays and objects deeper than `max` (a scalar is depth 0). Iterative: no stack to blow. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: unknown[] = [value];
  const depths: number[] = [0];
  while (pending.length > 0) {
    const node = pending.pop();
    const depth = depths.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

export const jsonTooDeep = (max: number) =>
  new GatewayError(
    'json_too_deep',
    `The JSON body nests arrays and objects deeper than ${max} levels, the limit (server.max_json_depth).`,
  );

/** The first limit a data-plane body breaks, as the error to answer with; undefined when it keeps them all. */
export function shapeRefusal(body: unknown, limits: RequestLimits): GatewayError | undefined {
  if (nestsDeeperThan(body, limits.maxJsonDepth)) return jsonTooDeep(limits.maxJsonDepth);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  for (const param of ['messages', 'input'] as const) {
    const list = fields[param];
    if (Array.isArray(list) && list.length > limits.maxMessages)
      return new GatewayError(
        'too_many_messages',
        `'${param}' has ${list.length} items; at most ${limits.maxMessages} are accepted (server.max_messages).`,
        { param },
      );
  }
  const tools = fields.tools;
  if (Array.isArray(tools) && tools.length > limits.maxTools)
    return new GatewayError(
      'too_many_tools',
      `'tools' has ${tools.length} tools; at most ${limits.maxTools} are accepted (server.max_tools).`,
      { param: 'tools' },
    );
  return undefined;
}
