// Admin input validation with zod, failing with one OpenAI-style 400 that lists every problem: `param` names the
// first field, `message` sums them all up, and `details` has each one's field and message.
import type { z } from 'zod';
import { GatewayError, type ErrorDetail } from '../errors.ts';
import { formatPath } from '../config/load.ts';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw invalidInput(result.error.issues, where);
}

/** The 400 for zod's issues with `where` (body, query, path...). */
export function invalidInput(issues: ReadonlyArray<z.core.$ZodIssue>, where: string): GatewayError {
  const details: ErrorDetail[] = issues.flatMap((issue) =>
    // One entry per unknown field, named, rather than one for their parent.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ param: formatPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ param: issue.path.length > 0 ? formatPath(issue.path) : null, message: issue.message }],
  );
  const one = (d: ErrorDetail) => `${d.param ? `field '${d.param}'` : 'input'}: ${d.message}`;
  const message =
    details.length === 1
      ? `Invalid ${where}${details[0]!.param ? ` field '${details[0]!.param}'` : ''}: ${details[0]!.message}`
      : `Invalid ${where}, ${details.length} problems: ${details.map(one).join('; ')}`;
  return new GatewayError('invalid_request', message, { param: details[0]!.param, details });
}
