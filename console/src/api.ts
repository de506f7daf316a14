// The admin API client: every call carries the signed-in principal's bearer token; every failure becomes an ApiError
// with the gateway's OpenAI-style message, or a plain one when the gateway could not be reached.

export interface ErrorDetail {
  param: string | null;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { message?: string; code?: string; param?: string | null; details?: ErrorDetail[] };
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Client {
  /** JSON in and out, under /admin/v1. */
  call<T>(method: Method, path: string, body?: unknown): Promise<T>;
  /** A raw answer (invoices as CSV or HTML), under /admin/v1. */
  fetchRaw(path: string): Promise<Response>;
}

async function failure(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // not JSON: the status says enough
  }
  const e = body.error ?? {};
  return new ApiError(
    res.status,
    e.code ?? `http_${res.status}`,
    e.message ?? `The gateway answered ${res.status} ${res.statusText}.`,
    e.param ?? null,
    e.details ?? [],
  );
}

/** Calls without authentication (the public provenance endpoints). */
export async function publicCall<T>(path: string, body: unknown): Promise<T> {
  const res = await send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the gateway. Check that it is running and try again.');
  }
}

export function createClient(token: string, onUnauthorized: (err: ApiError) => void): Client {
  const authorization = `Bearer ${token}`;
  const fetchRaw = async (path: string) => {
    const res = await send(`/admin/v1${path}`, { headers: { authorization } });
    if (!res.ok) {
      const err = await failure(res);
      if (res.status === 401) onUnauthorized(err);
      throw err;
    }
    return res;
  };
  return {
    fetchRaw,
    async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
      const res = await send(`/admin/v1${path}`, {
        method,
        headers: {
          authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) {
        const err = await failure(res);
        if (res.status === 401) onUnauthorized(err);
        throw err;
      }
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** Checks a token: the principal it belongs to, or the gateway's reason for refusing it. */
export async function whoAmI(token: string): Promise<Principal> {
  const res = await send('/admin/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as Principal;
}

export type Role = 'admin' | 'operator' | 'finance' | 'compliance' | 'viewer';

export interface Principal {
  id: string;
  name: string;
  role: Role;
}

/** As the gateway decides (src/tenancy/roles.ts): admin may do all, any role may read. */
export function roleAllows(held: Role, needed: Role): boolean {
  return held === 'admin' || needed === 'viewer' || held === needed;
}
