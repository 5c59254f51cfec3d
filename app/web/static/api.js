// Calls to the service's JSON API, and a guard that keeps only the newest answer.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `The server answered ${status}.`);
    this.status = status;
  }
}

function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    // Empty values are left out so "no filter" never reaches the API as `sector=`.
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function checked(response) {
  if (!response.ok) {
    let detail = "";
    try {
      detail = (await response.json()).detail || "";
    } catch {
      // not JSON: the status alone says enough
    }
    throw new ApiError(response.status, detail);
  }
  return response.json();
}

export async function getJSON(path, params, signal) {
  return checked(await fetch(url(path, params), { signal, headers: { Accept: "application/json" } }));
}

async function postJSON(path, body, signal) {
  const headers = { Accept: "application/json", "Content-Type": "application/json" };
  return checked(await fetch(path, { method: "POST", signal, headers, body: JSON.stringify(body) }));
}

export const naics = {
  autocomplete: (params, signal) => getJSON("/api/v1/naics/autocomplete", params, signal),
  search: (params, signal) => getJSON("/api/v1/naics/search", params, signal),
  get: (code, signal) => getJSON(`/api/v1/naics/${encodeURIComponent(code)}`, {}, signal),
  hierarchy: (code, signal) => getJSON(`/api/v1/naics/${encodeURIComponent(code)}/hierarchy`, {}, signal),
};

export const experiences = {
  search: (params, signal) => getJSON("/api/v1/experiences/search", params, signal),
};

export const auth = {
  verify: (token, signal) => postJSON("/api/v1/auth/verify", { token }, signal),
};

export function isAbort(error) {
  return error instanceof DOMException && error.name === "AbortError";
}

// Each start() cancels the previous request and numbers the new one; an answer is used only
// while its number is still the newest, so a slow early answer can never replace a later one
// (the abort alone is not enough: a response may already be parsed when the abort lands).
export class LatestOnly {
  #seq = 0;
  #controller = null;

  start() {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const seq = ++this.#seq;
    return { signal: controller.signal, isCurrent: () => seq === this.#seq };
  }

  cancel() {
    this.#controller?.abort();
    this.#seq++;
  }
}

export function debounce(fn, ms) {
  let timer = 0;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
