// Talking to the sandbox's JSON API, and the page's texts (from the sandbox message catalogue).

const texts = {};

export async function loadStrings(lang) {
  const body = await getJSON(`/api/strings?lang=${encodeURIComponent(lang)}`);
  Object.keys(texts).forEach((key) => delete texts[key]);
  Object.assign(texts, body.texts);
  return body.lang;
}

// The text for a catalogue key, with {name} placeholders filled in.
export function t(key, values = {}) {
  const template = texts[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// Fill every element marked data-t (text) or data-t-title (tooltip) under `root`.
export function translate(root) {
  root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  root.querySelectorAll("[data-t-title]").forEach((el) => {
    el.title = t(el.dataset.tTitle);
    el.setAttribute("aria-label", el.title);
  });
}

export class ApiError extends Error {
  constructor(key, status) {
    super(key);
    this.key = key;
    this.status = status;
  }
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError((body && body.error) || "sandbox.err.server", response.status);
  }
  return body;
}

export async function getJSON(url, options = {}) {
  return answer(await fetch(url, { cache: "no-store", ...options }));
}

export async function postJSON(url, data) {
  return answer(await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data),
  }));
}

export async function postForm(url, form) {
  return answer(await fetch(url, { method: "POST", body: form }));
}

// A message for an error from the API or the network, in the page's language.
export function errorText(error) {
  if (error instanceof ApiError) return t(error.key);
  return t("sandbox.err.network");
}
