// Calls the public API (POST /api/{Operation}) with the key the user entered.
// The key lives in this tab's sessionStorage only and travels in the x-functions-key header, never in a URL.

const keyName = 'vod-console-key';
const apiBase = new URL('../', document.baseURI);

export const key = {
  get: () => sessionStorage.getItem(keyName),
  set: (value) => sessionStorage.setItem(keyName, value),
  clear: () => sessionStorage.removeItem(keyName),
};

/** An error answered by the service (or the network), with the contract's Code and Message. */
export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }

  /** What the error means for the person at the console, in plain words. */
  get explanation() {
    if (this.status === 401) return 'The service did not accept the key. Enter a valid function key again.';
    if (this.status === 403) {
      return 'This key is not allowed to do that: a read-only key can only look, and a key for other applications cannot see or change this media.';
    }
    if (this.status === 429) return 'Too many requests for this key. Wait a moment and try again.';
    if (this.status === 0) return 'The service could not be reached. Check the connection and try again.';
    if (this.status >= 500) return 'The service or its storage failed. The request is safe to retry.';
    return '';
  }
}

const listeners = new Set();
/** Called with every 401, so that the page can ask for the key again. */
export const onUnauthorized = (listener) => listeners.add(listener);

async function send(url, init) {
  const headers = { ...init.headers, 'x-functions-key': key.get() ?? '' };
  let response;
  try {
    response = await fetch(url, { cache: 'no-store', ...init, headers, credentials: 'omit' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NetworkError', error.message, null);
  }
  const requestId = response.headers.get('x-request-id');
  const type = response.headers.get('content-type') ?? '';
  if (response.ok) return response;
  let body = {};
  if (type.includes('json')) body = await response.json().catch(() => ({}));
  const error = new ApiError(response.status, body.Code ?? `HTTP ${response.status}`, body.Message ?? response.statusText, body.RequestId ?? requestId);
  if (response.status === 401) listeners.forEach((listener) => listener(error));
  throw error;
}

/**
 * A new idempotency key, one per user action: a delete sent again with it (a retry after a lost answer) is answered the
 * first answer and deletes nothing twice.
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** POST /api/{operation} with the parameters as a JSON body; resolves to the response fields. */
export async function call(operation, parameters = {}, { signal, idempotencyKey } = {}) {
  const response = await send(new URL(operation, apiBase), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
    body: JSON.stringify(parameters),
    signal,
  });
  return response.json();
}

/** POST /admin/functions/{name} (admin key): starts a timer function now; resolves to its answer ({RunId, ...}). */
export async function runFunction(name) {
  const response = await send(new URL(`../admin/functions/${encodeURIComponent(name)}`, apiBase), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return response.json();
}

/** A thumbnail as an object URL (the caller revokes it), or null when the media has none. */
export async function thumbnail(mediaId, { signal } = {}) {
  try {
    const url = new URL('GetThumbnail', apiBase);
    url.searchParams.set('MediaId', mediaId);
    const response = await send(url, { method: 'GET', signal, cache: 'default' });
    return URL.createObjectURL(await response.blob());
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
