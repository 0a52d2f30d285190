// The dashboard's only way to the server: the public REST API, with the key from session storage.

const KEY = 'fmplex.dashboard.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused call: the HTTP status and the server's problem detail (RFC 9457), if it sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || { title: `HTTP ${status}`, status };
  }
}

/** Listeners told when the key is refused (401), so the app can ask for another. */
const unauthenticated = [];
export function onUnauthenticated(listener) {
  unauthenticated.push(listener);
}

export async function call(method, path, body, key = session.key()) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  let payload;
  if (body instanceof FormData) {
    payload = body; // the browser sets the multipart boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, { title: 'Server unreachable', detail: `${method} ${path}: ${e.message}` });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = { title: `HTTP ${response.status}`, detail: text.slice(0, 500) };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && key === session.key()) unauthenticated.forEach((l) => l(error));
    throw error;
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

/** A path segment from a value the server gave us (ids are opaque). */
export const seg = (value) => encodeURIComponent(value);
