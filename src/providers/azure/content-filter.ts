// Azure OpenAI refuses a prompt its content filter flags with a 400 `content_filter` whose `param` is "prompt" (no
// field of the client's request) and whose message names Azure's policy. The client gets instead the field its
// prompt is in and the categories that were filtered, read from `innererror.content_filter_result` (chat) or
// `content_filters[].content_filter_results` (Responses API).
import { UpstreamError } from '../types.ts';
import type { JsonObject } from '../../wire/json.ts';

type FilterResult = { filtered?: unknown; severity?: unknown };

/** "violence (medium), jailbreak": the categories the filter blocked, with their severity where it gives one. */
function filteredCategories(error: JsonObject): string[] {
  const results: JsonObject[] = [];
  const inner = error.innererror as JsonObject | undefined;
  const fromInner = inner?.content_filter_result ?? inner?.content_filter_results;
  if (fromInner && typeof fromInner === 'object') results.push(fromInner as JsonObject);
  for (const f of (Array.isArray(error.content_filters) ? error.content_filters : []) as Array<JsonObject | null>) {
    if (f?.content_filter_results && typeof f.content_filter_results === 'object')
      results.push(f.content_filter_results as JsonObject);
  }
  const names: string[] = [];
  for (const result of results) {
    for (const [category, value] of Object.entries(result)) {
      const r = value as FilterResult | null;
      if (r?.filtered !== true) continue;
      const name = typeof r.severity === 'string' ? `${category} (${r.severity})` : category;
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

/** The vendor's content-filter refusal as one the client can act on: `param` names its field holding the prompt. */
export function contentFilterRefusal(err: unknown, param: 'messages' | 'input'): unknown {
  if (!(err instanceof UpstreamError) || err.status !== 400) return err;
  const error = err.body?.error as JsonObject | undefined;
  if (error?.code !== 'content_filter') return err;
  const categories = filteredCategories(error);
  const message = `The prompt was refused by the vendor's content filter${categories.length > 0 ? `: ${categories.join(', ')}` : ''}. Change the prompt and retry.`;
  return new UpstreamError('status', err.message, 400, err.retryAfterMs, {
    error: { message, type: 'invalid_request_error', param, code: 'content_filter' },
  });
}
