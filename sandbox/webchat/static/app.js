// The sandbox page: simulated users, their chats side by side, and the conformance panel.
//
// The browser remembers the users it made and which chats are open (localStorage), and makes
// the users again after the sandbox restarts, with the same Telegram ids: the product's
// database still knows them, only the chat history is gone.

import { errorText, getJSON, loadStrings, postJSON, t, translate } from "./api.js";
import { ChatColumn } from "./chatcolumn.js";
import { MapPicker } from "./mappicker.js";

const USERS_KEY = "wadul-sandbox-users";
const OPEN_KEY = "wadul-sandbox-open";
const LANG_KEY = "wadul-sandbox-lang";
const CALLS_EVERY_MS = 2000;

const page = {
  info: null, picker: null, users: [], columns: new Map(), callsSince: 0, malformed: 0,
};

function remembered(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch (error) {
    return fallback;
  }
}

function remember(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}

// --- users --------------------------------------------------------------------------------------
async function loadUsers() {
  const known = await getJSON("/api/users");
  const ids = new Set(known.map((user) => user.id));
  for (const user of remembered(USERS_KEY, [])) {
    if (!ids.has(user.id)) {
      try {
        known.push(await postJSON("/api/users", user));
      } catch (error) {
        // a remembered user the sandbox no longer accepts is simply dropped
      }
    }
  }
  page.users = known;
  remember(USERS_KEY, known);
}

function drawUsers() {
  const list = document.getElementById("user-list");
  list.replaceChildren(...page.users.map((user) => {
    const item = document.createElement("li");
    item.className = "user-item";
    item.dataset.userId = String(user.id);
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = page.columns.has(user.id);
    box.addEventListener("change", () => (box.checked ? openChat(user) : closeChat(user.id)));
    const avatar = document.createElement("span");
    avatar.className = `avatar user-avatar hue-${user.id % 6}`;
    avatar.textContent = user.first_name.slice(0, 1).toUpperCase();
    const name = document.createElement("span");
    name.className = "user-name";
    name.textContent = [user.first_name, user.last_name].filter(Boolean).join(" ");
    const details = document.createElement("small");
    details.textContent = `${user.username ? `@${user.username} · ` : ""}id ${user.id} · ${(user.language_code || "id").toUpperCase()}`;
    name.append(details);
    label.append(box, avatar, name);
    item.append(label);
    return item;
  }));
  document.querySelector(".empty-users").hidden = page.users.length > 0;
}

async function createUser(event) {
  event.preventDefault();
  const form = event.target;
  const data = Object.fromEntries(new FormData(form).entries());
  const errorBox = form.querySelector(".form-error");
  errorBox.textContent = "";
  try {
    const user = await postJSON("/api/users", data);
    page.users.push(user);
    remember(USERS_KEY, page.users);
    form.reset();
    openChat(user);
  } catch (error) {
    errorBox.textContent = errorText(error);
  }
}

// --- chats side by side ---------------------------------------------------------------------------
function openChat(user) {
  if (page.columns.has(user.id)) return;
  const column = new ChatColumn(user, {
    template: document.getElementById("chat-template"), picker: page.picker, bot: page.info.bot,
    onClose: closeChat, showPhoto,
  });
  page.columns.set(user.id, column);
  document.getElementById("chats").append(column.root);
  column.start();
  saveOpen();
}

function closeChat(userId) {
  const column = page.columns.get(userId);
  if (!column) return;
  column.stop();
  column.root.remove();
  page.columns.delete(userId);
  saveOpen();
}

function saveOpen() {
  remember(OPEN_KEY, [...page.columns.keys()]);
  document.querySelector(".chats-empty").hidden = page.columns.size > 0;
  drawUsers();
}

function showPhoto(url) {
  const viewer = document.getElementById("photo-viewer");
  viewer.querySelector("img").src = url;
  viewer.hidden = false;
}

// --- rejected calls ---------------------------------------------------------------------------------
function callItem(call) {
  const item = document.createElement("li");
  item.className = `call ${call.kind}`;
  item.dataset.method = call.method;
  const head = document.createElement("div");
  head.className = "call-head";
  const method = document.createElement("b");
  method.textContent = call.method;
  const kind = document.createElement("span");
  kind.className = "call-kind";
  kind.textContent = t(`sandbox.calls.kind.${call.kind}`);
  const when = document.createElement("time");
  when.textContent = new Date(call.ts * 1000).toLocaleTimeString();
  head.append(method, kind, when);
  const description = document.createElement("div");
  description.className = "call-description";
  description.textContent = `${call.error_code} ${call.description}`;
  const params = document.createElement("pre");
  params.className = "call-params";
  params.textContent = JSON.stringify(call.params, null, 1);
  item.append(head, description, params);
  return item;
}

async function pollCalls() {
  try {
    const body = await getJSON(`/api/calls?since=${page.callsSince}`);
    page.callsSince = body.next;
    const list = document.getElementById("calls-list");
    if (body.reset) {  // the sandbox restarted: its log starts again
      list.replaceChildren();
      page.malformed = 0;
    }
    for (const call of body.calls) {
      list.prepend(callItem(call));
      if (call.kind !== "refused") page.malformed += 1;
    }
    const badge = document.getElementById("calls-badge");
    badge.textContent = String(page.malformed);
    badge.classList.toggle("bad", page.malformed > 0);
    document.querySelector(".calls-none").hidden = list.children.length > 0;
  } catch (error) {
    // the sandbox may be restarting; try again on the next tick
  }
  setTimeout(pollCalls, CALLS_EVERY_MS);
}

function toggleCalls() {
  const panel = document.getElementById("calls-panel");
  panel.hidden = !panel.hidden;
  document.getElementById("calls-toggle").setAttribute("aria-expanded", String(!panel.hidden));
}

// --- language and start-up ----------------------------------------------------------------------------
async function setLanguage(lang) {
  const chosen = await loadStrings(lang);
  remember(LANG_KEY, chosen);
  document.documentElement.lang = chosen;
  translate(document.body);
  document.querySelectorAll("[data-lang]").forEach((button) => {
    button.classList.toggle("active", button.dataset.lang === chosen);
  });
  page.columns.forEach((column) => column.relabel());
}

async function boot() {
  const preferred = remembered(LANG_KEY, navigator.language.startsWith("en") ? "en" : "id");
  page.info = await getJSON("/api/info");
  await setLanguage(preferred);
  const panelLink = document.getElementById("panel-link");
  panelLink.href = page.info.panel_url;
  page.picker = new MapPicker(document.getElementById("map-dialog"), page.info);
  document.getElementById("new-user").addEventListener("submit", createUser);
  document.getElementById("calls-toggle").addEventListener("click", toggleCalls);
  document.querySelectorAll("[data-lang]").forEach((button) => {
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  });
  document.getElementById("photo-viewer").addEventListener("click", (event) => { event.currentTarget.hidden = true; });
  await loadUsers();
  const open = new Set(remembered(OPEN_KEY, []));
  page.users.filter((user) => open.has(user.id)).forEach(openChat);
  saveOpen();
  pollCalls();
  window.wadulSandbox = Object.assign(window.wadulSandbox || {}, { picker: page.picker, ready: true });
  document.body.dataset.ready = "true";
}

boot();
