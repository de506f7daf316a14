// Reads what the gateway needs from an ordinary chat.completion.chunk (its content delta) without building
// the whole object: a stream carries hundreds of these, and parsing each one dominated the cost of a stream.
// Anything unusual (usage, errors, tool calls, several choices, odd shape) returns null and is parsed fully.

const UNUSUAL = /"(usage|error|tool_calls|function_call|reasoning_content|refusal|finish_reason)"\s*:\s*[^n\s]/;

/** The content delta of a plain one-choice chunk ('' when it has none), or null to ask for a full parse. */
export function scanContentDelta(data: string): string | null {
  if (data.charCodeAt(0) !== 123 /* { */ || data.charCodeAt(data.length - 1) !== 125 /* } */) return null;
  if (UNUSUAL.test(data)) return null;
  const choices = data.indexOf('"choices":[{');
  if (choices === -1 || data.indexOf('"index":', data.indexOf('"index":', choices) + 8) !== -1) return null;
  const key = data.indexOf('"content":"', choices);
  if (key === -1) return data.includes('"content":', choices) && !data.includes('"content":null', choices) ? null : '';
  const start = key + 10;
  let end = start + 1;
  for (;;) {
    end = data.indexOf('"', end);
    if (end === -1) return null;
    let slashes = 0;
    for (let i = end - 1; data.charCodeAt(i) === 92 /* \\ */; i--) slashes++;
    if (slashes % 2 === 0) break;
    end++;
  }
  const literal = data.slice(start, end + 1);
  if (literal.indexOf('\\') === -1) return literal.slice(1, -1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    return null;
  }
}
