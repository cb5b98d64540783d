// Drawing messages as Telegram shows them.
//
// Text is drawn from Telegram's own form (plain text + entities with UTF-16 offsets, which
// is how JavaScript strings count too), with DOM nodes and textContent only: nothing a bot
// or a user sends is ever parsed as HTML, and only Telegram's entity types become markup.

import { t } from "./api.js";

const SAFE_SCHEMES = new Set(["http:", "https:", "tg:", "mailto:", "tel:"]);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function safeHref(raw) {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `http://${raw}`);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch (error) {
    return null;
  }
}

function link(href, className) {
  const a = el("a", className);
  const safe = safeHref(href);
  if (safe) {
    a.href = safe;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  return a;
}

// The element an entity becomes; `slice` is the entity's own text.
function entityNode(entity, slice, actions) {
  switch (entity.type) {
    case "bold": return el("strong");
    case "italic": return el("em");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": {
      const pre = el("pre");
      if (entity.language) pre.dataset.language = entity.language;
      return pre;
    }
    case "spoiler": {
      const span = el("span", "spoiler");
      span.addEventListener("click", () => span.classList.add("revealed"));
      return span;
    }
    case "blockquote": return el("blockquote");
    case "expandable_blockquote": {
      const quote = el("blockquote", "expandable");
      quote.addEventListener("click", () => quote.classList.toggle("expanded"));
      return quote;
    }
    case "text_link": return link(entity.url, "text-link");
    case "url": return link(slice, "text-link");
    case "email": return link(`mailto:${slice}`, "text-link");
    case "phone_number": return link(`tel:${slice.replace(/[^+0-9]/g, "")}`, "text-link");
    case "mention": return link(`https://t.me/${slice.slice(1)}`, "text-link");
    case "bot_command": {
      const command = el("a", "command");
      command.href = "#";
      command.addEventListener("click", (event) => {
        event.preventDefault();
        actions.sendText(slice.split("@")[0]);
      });
      return command;
    }
    default: return el("span", `entity-${entity.type.replace(/[^a-z_]/g, "")}`);
  }
}

// Append text[start:end) to `parent`, with the entities inside that range nested properly.
function appendRange(parent, text, entities, start, end, actions) {
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    if (entity.offset >= end) break;
    const entityEnd = Math.min(entity.offset + entity.length, end);
    if (entity.offset < position) { index += 1; continue; }  // overlaps an earlier one: skip
    if (entity.offset > position) parent.append(text.slice(position, entity.offset));
    let inner = index + 1;
    while (inner < entities.length && entities[inner].offset < entityEnd) inner += 1;
    const node = entityNode(entity, text.slice(entity.offset, entityEnd), actions);
    appendRange(node, text, entities.slice(index + 1, inner), entity.offset, entityEnd, actions);
    parent.append(node);
    position = entityEnd;
    index = inner;
  }
  if (position < end) parent.append(text.slice(position, end));
}

export function formattedText(text, entities, actions) {
  const box = el("div", "text");
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendRange(box, text, sorted, 0, text.length, actions);
  return box;
}

function clock(unixSeconds) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return new Date(unixSeconds * 1000).toLocaleTimeString(document.documentElement.lang, options);
}

function meta(message) {
  const box = el("span", "meta");
  if (message.edited) {
    const mark = el("span", "edited", t("sandbox.chat.edited"));
    mark.title = t("sandbox.chat.edited_times", { count: message.edits });
    box.append(mark, " ");
  }
  box.append(clock(message.date));
  return box;
}

function photoNode(photo, actions) {
  const img = el("img", "photo");
  img.src = photo.url;
  img.width = photo.width;
  img.height = photo.height;
  img.alt = t("sandbox.chat.photo");
  img.loading = "lazy";
  img.addEventListener("click", () => actions.showPhoto(photo.full));
  return img;
}

function locationNode(location, title, address) {
  const card = el("div", "location-card");
  const pin = el("div", "pin", "📍");
  const body = el("div", "location-body");
  body.append(el("div", "location-title", title || t("sandbox.chat.location_shared")));
  if (address) body.append(el("div", "location-address", address));
  const coords = `${location.latitude.toFixed(6)}, ${location.longitude.toFixed(6)}`;
  const osm = link(`https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}#map=17/`
    + `${location.latitude}/${location.longitude}`, "coord-link");
  osm.textContent = coords;
  body.append(osm);
  if (location.horizontal_accuracy) {
    body.append(el("div", "accuracy", t("sandbox.chat.accuracy", { meters: Math.round(location.horizontal_accuracy) })));
  }
  card.append(pin, body);
  return card;
}

function mediaNode(media) {
  if (media.kind === "sticker") {
    const img = el("img", "sticker");
    img.src = media.url;
    img.alt = media.emoji || "sticker";
    return img;
  }
  const card = el("div", "file-card");
  const label = media.name || t(`sandbox.media.${media.kind}`);
  const a = el("a", "file-name", label);
  a.href = media.url;
  a.download = media.name || media.kind;
  card.append(el("span", "file-icon", "📄"), a);
  return card;
}

function keyboardNode(message, actions) {
  const box = el("div", "inline-keyboard");
  for (const row of message.buttons) {
    const line = el("div", "inline-row");
    for (const button of row) {
      let node;
      if (button.kind === "url") {
        node = link(button.url, "inline-button url-button");
        node.textContent = button.text;
      } else {
        node = el("button", "inline-button", button.text);
        node.type = "button";
        if (button.kind === "callback") {
          node.dataset.callback = button.data;
          node.addEventListener("click", () => actions.press(message.id, button.data, node));
        } else {
          node.disabled = true;
          node.title = t("sandbox.chat.button_not_modelled");
        }
      }
      line.append(node);
    }
    box.append(line);
  }
  return box;
}

// One bubble for a message, or for an album (several messages with one media_group_id).
export function bubble(group, actions) {
  const first = group[0];
  const captioned = group.find((message) => message.caption) || first;
  const wrap = el("div", `message ${first.from_bot ? "incoming" : "outgoing"}`);
  wrap.dataset.messageId = String(first.id);
  const box = el("div", "bubble");
  if (first.reply_to) {
    box.append(el("div", "reply-quote", first.reply_to.text || "…"));
  }
  const photos = group.filter((message) => message.photo);
  if (photos.length) {
    const grid = el("div", `photos count-${Math.min(photos.length, 4)}`);
    photos.forEach((message) => grid.append(photoNode(message.photo, actions)));
    box.append(grid);
    box.classList.add("has-media");
  }
  if (first.media) box.append(mediaNode(first.media));
  if (first.venue) {
    box.append(locationNode(first.venue.location, first.venue.title, first.venue.address));
  } else if (first.location) {
    box.append(locationNode(first.location));
  }
  if (first.contact) {
    box.append(el("div", "contact-card", `👤 ${first.contact.first_name} · ${first.contact.phone_number}`));
  }
  const text = first.text ?? captioned.caption;
  const entities = first.text !== undefined ? first.entities : captioned.caption_entities;
  if (text) box.append(formattedText(text, entities, actions));
  box.append(meta(group[group.length - 1]));
  wrap.append(box);
  if (first.buttons) wrap.append(keyboardNode(first, actions));
  return wrap;
}

// Messages of one album sent one after the other become one group; the rest are alone.
export function grouped(messages) {
  const groups = [];
  for (const message of messages) {
    const last = groups[groups.length - 1];
    if (last && message.media_group_id && last[0].media_group_id === message.media_group_id
        && last[0].from_bot === message.from_bot) {
      last.push(message);
    } else {
      groups.push([message]);
    }
  }
  return groups;
}
