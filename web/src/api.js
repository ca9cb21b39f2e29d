// The console's only link to the controller: the REST API, with the token
// the user logged in with as a bearer token. The token lives in this tab's
// sessionStorage (gone when the tab closes) and is never put in a URL.

const KEY = "scanfleet.token";
let token = sessionStorage.getItem(KEY) || "";
const listeners = new Set();

export function getToken() {
  return token;
}

export function setToken(t) {
  token = t;
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
  for (const fn of listeners) fn(t);
}

// onToken calls fn whenever the token changes (login, logout, expiry).
export function onToken(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// api calls the controller and returns the decoded JSON answer (null for
// 204). A 401 logs the user out: the token was revoked or mistyped.
// With opts.token the call is made with that token instead (login checks
// a token before keeping it) and a 401 only throws.
export async function api(path, { method = "GET", body, raw = false, token: with_ } = {}) {
  const headers = { Authorization: "Bearer " + (with_ ?? token) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    if (with_ === undefined) setToken("");
    throw new ApiError(401, "The token was refused; log in again.");
  }
  if (!res.ok) {
    let msg = res.statusText;
    try {
      msg = (await res.json()).error || msg;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, msg);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

// download fetches path with the token and saves the answer as a file:
// a plain link could not carry the Authorization header.
export async function download(path, fallbackName) {
  const res = await api(path, { raw: true });
  const cd = res.headers.get("Content-Disposition") || "";
  const m = /filename="([^"]+)"/.exec(cd);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = m ? m[1] : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// qs builds a query string from the non-empty values of obj.
export function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined && v !== null && v !== "" && v !== false) p.set(k, String(v));
  }
  const s = p.toString();
  return s ? "?" + s : "";
}
