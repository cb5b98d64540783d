// One simulated user's chat with the bot: the message list, kept current by a long poll,
// and everything the user can do (type, press buttons, send photos, albums and locations).

import { errorText, getJSON, postForm, postJSON, t, translate } from "./api.js";
import { bubble, grouped } from "./render.js";

const LONG_POLL_SECONDS = 20;
const RETRY_MS = 1500;
const TOAST_MS = 3500;

export class ChatColumn {
  constructor(user, { template, picker, bot, onClose, showPhoto }) {
    this.user = user;
    this.picker = picker;
    this.bot = bot;
    this.base = `/api/users/${user.id}`;
    this.version = "";
    this.lastToast = null;
    this.keyboard = null;
    this.files = [];
    this.stopped = false;
    this.root = template.content.firstElementChild.cloneNode(true);
    this.root.dataset.userId = String(user.id);
    this.q = (selector) => this.root.querySelector(selector);
    this.actions = {
      sendText: (text) => this.send(() => postJSON(`${this.base}/text`, { text })),
      press: (messageId, data, node) => this.press(messageId, data, node),
      showPhoto,
    };
    this.wire(onClose);
    this.relabel();
  }

  // --- set-up ------------------------------------------------------------------------------
  wire(onClose) {
    this.q(".close-chat").addEventListener("click", () => onClose(this.user.id));
    this.q(".composer").addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });
    const input = this.q(".composer-input");
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.submit(); }
    });
    input.addEventListener("input", () => this.fitInput());
    // 📎 opens Telegram's attachment menu: a photo (several = an album) or a location.
    this.q(".attach").addEventListener("click", () => this.toggle(".attach-menu"));
    this.q(".attach-photo").addEventListener("click", () => { this.hide(".attach-menu"); this.q(".file-input").click(); });
    this.q(".attach-location").addEventListener("click", () => { this.hide(".attach-menu"); this.shareLocation(); });
    this.q(".file-input").addEventListener("change", (event) => this.attach(event.target.files));
    this.q(".clear-attachments").addEventListener("click", () => this.clearAttachments());
    this.q(".menu-button").addEventListener("click", () => this.toggle(".command-menu"));
  }

  relabel() {
    translate(this.root);
    const name = [this.user.first_name, this.user.last_name].filter(Boolean).join(" ");
    this.q(".bot-name").textContent = this.bot.first_name;
    this.q(".as-user").textContent = t("sandbox.chat.as_user", { name, id: this.user.id,
      lang: (this.user.language_code || "id").toUpperCase() });
    this.updatePlaceholder();
  }

  start() {
    this.poll();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  // --- reading the chat ----------------------------------------------------------------------
  async poll() {
    while (!this.stopped) {
      try {
        this.controller = new AbortController();
        const state = await getJSON(`${this.base}/chat?since=${this.version}&wait=${this.version ? LONG_POLL_SECONDS : 0}`,
          { signal: this.controller.signal });
        if (state.version !== this.version) this.show(state);
      } catch (error) {
        if (this.stopped) return;
        // 404: the sandbox restarted and forgot this user; make them again, with the same id.
        if (error.status === 404) await this.send(() => postJSON("/api/users", this.user));
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  show(state) {
    const list = this.q(".messages");
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.replaceChildren(...grouped(state.messages).map((group) => bubble(group, this.actions)));
    if (!state.messages.length) list.append(this.startHint());
    if (nearBottom || !this.version) list.scrollTop = list.scrollHeight;
    this.version = state.version;
    this.root.dataset.version = state.version;
    this.root.dataset.count = String(state.messages.length);
    this.showKeyboard(state.keyboard);
    this.showCommands(state.commands);
    this.showToasts(state.toasts);
  }

  showKeyboard(keyboard) {
    this.keyboard = keyboard;
    const box = this.q(".reply-keyboard");
    box.replaceChildren();
    box.hidden = !keyboard;
    if (keyboard) {
      for (const row of keyboard.rows) {
        const line = document.createElement("div");
        line.className = "keyboard-row";
        for (const button of row) {
          const node = document.createElement("button");
          node.type = "button";
          node.className = "keyboard-button";
          node.textContent = button.text;
          node.addEventListener("click", () => this.pressKeyboard(button));
          line.append(node);
        }
        box.append(line);
      }
    }
    this.updatePlaceholder();
  }

  updatePlaceholder() {
    const input = this.q(".composer-input");
    if (this.files.length) input.placeholder = t("sandbox.chat.caption_placeholder");
    else input.placeholder = (this.keyboard && this.keyboard.placeholder) || t("sandbox.chat.placeholder");
  }

  showCommands(commands) {
    const button = this.q(".menu-button");
    button.hidden = !commands.length;
    const menu = this.q(".command-menu");
    menu.replaceChildren(...commands.map((command) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "command-item";
      const name = document.createElement("b");
      name.textContent = `/${command.command}`;
      item.append(name, ` ${command.description}`);
      item.addEventListener("click", () => { this.hide(".command-menu"); this.actions.sendText(`/${command.command}`); });
      return item;
    }));
  }

  toggle(selector) {
    const menu = this.q(selector);
    menu.hidden = !menu.hidden;
  }

  hide(selector) {
    this.q(selector).hidden = true;
  }

  showToasts(toasts) {
    const newest = toasts.length ? toasts[toasts.length - 1].n : 0;
    if (this.lastToast === null) { this.lastToast = newest; return; }  // not the ones from before we looked
    if (newest < this.lastToast) this.lastToast = 0;  // the sandbox restarted and counts from 1 again
    for (const toast of toasts.filter((item) => item.n > this.lastToast)) this.toast(toast.text, toast.alert);
    this.lastToast = Math.max(this.lastToast, newest);
  }

  toast(text, alert = false) {
    const node = document.createElement("div");
    node.className = alert ? "toast alert" : "toast";
    node.textContent = text;
    if (alert) {
      const ok = document.createElement("button");
      ok.type = "button";
      ok.textContent = "OK";
      ok.addEventListener("click", () => node.remove());
      node.append(ok);
    } else {
      setTimeout(() => node.remove(), TOAST_MS);
    }
    this.q(".toasts").append(node);
  }

  // --- what the user does ----------------------------------------------------------------------
  async send(action) {
    try {
      await action();
      return true;
    } catch (error) {
      this.toast(errorText(error), true);
      return false;
    }
  }

  async submit() {
    const input = this.q(".composer-input");
    const text = input.value.trim();
    if (this.files.length) {
      const form = new FormData();
      this.files.forEach((file) => form.append("photo", file, file.name));
      form.append("caption", text);
      if (await this.send(() => postForm(`${this.base}/photos`, form))) {
        this.clearAttachments();
        input.value = "";
      }
    } else if (text && await this.send(() => postJSON(`${this.base}/text`, { text }))) {
      input.value = "";
    }
    this.fitInput();
  }

  async press(messageId, data, node) {
    node.classList.add("pending");
    await this.send(() => postJSON(`${this.base}/press`, { message_id: messageId, callback_data: data }));
  }

  async pressKeyboard(button) {
    if (button.location) {
      const point = await this.picker.pick({ withVenue: false });
      if (point) await this.send(() => postJSON(`${this.base}/keyboard`, { text: button.text, ...point }));
    } else {
      await this.send(() => postJSON(`${this.base}/keyboard`, { text: button.text }));
    }
  }

  async shareLocation() {
    const point = await this.picker.pick({ withVenue: true });
    if (point) await this.send(() => postJSON(`${this.base}/location`, point));
  }

  attach(fileList) {
    this.files = [...this.files, ...Array.from(fileList)].slice(0, 20);
    this.q(".file-input").value = "";
    const thumbs = this.q(".thumbs");
    thumbs.replaceChildren(...this.files.map((file) => {
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      img.onload = () => URL.revokeObjectURL(img.src);
      return img;
    }));
    this.q(".attachments").hidden = !this.files.length;
    this.updatePlaceholder();
    this.q(".composer-input").focus();
  }

  clearAttachments() {
    this.files = [];
    this.q(".thumbs").replaceChildren();
    this.q(".attachments").hidden = true;
    this.updatePlaceholder();
  }

  fitInput() {
    const input = this.q(".composer-input");
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
  }

  // A chat nobody has written in yet: what the bot is, and Telegram's big START button.
  startHint() {
    const hint = document.createElement("div");
    hint.className = "chat-hint";
    hint.textContent = t("sandbox.chat.start_hint", { bot: this.bot.first_name });
    const start = document.createElement("button");
    start.type = "button";
    start.className = "start-button";
    start.textContent = t("sandbox.chat.start");
    start.addEventListener("click", () => this.actions.sendText("/start"));
    hint.append(start);
    return hint;
  }
}
