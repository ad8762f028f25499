// The GraphQL transport for queries and mutations: POST with a JSON body
// (the gateway accepts mutations only so, which keeps them CSRF-safe).

/** An error the API returned, with its stable extensions.code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const UNAUTHENTICATED = 'UNAUTHENTICATED';

interface Response<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** gql posts one operation; it throws ApiError on any GraphQL error. */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  let body: Response<T>;
  try {
    body = (await res.json()) as Response<T>;
  } catch {
    throw new ApiError(`HTTP ${res.status}`, res.status === 401 ? UNAUTHENTICATED : 'HTTP_ERROR');
  }
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? (res.status === 401 ? UNAUTHENTICATED : 'UNKNOWN');
    throw new ApiError(first.message, code);
  }
  if (!body.data) throw new ApiError(`HTTP ${res.status}: no data`, 'HTTP_ERROR');
  return body.data;
}
