// Admin input validation with zod, failing with an OpenAI-style 400 that names the field.
import type { z } from 'zod';
import { GatewayError } from '../errors.ts';
import { formatPath } from '../config/load.ts';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.length > 0 ? formatPath(issue.path) : null;
  throw new GatewayError(400, 'invalid_request', `Invalid ${where}${param ? ` field '${param}'` : ''}: ${issue.message}`, { param });
}
