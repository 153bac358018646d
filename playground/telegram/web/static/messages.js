// One chat message as a Telegram-like bubble: formatted text, photo, document,
// inline keyboard, reply quote and the "edited" mark. Built with DOM calls only.

import { renderFormatted, safeHref } from "./entities.js";
import { previewOf } from "./store.js";

const SENDER_COLOURS = 7;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

export function displayName(account) {
  if (!account) return "Unknown";
  return [account.first_name, account.last_name].filter(Boolean).join(" ") || account.username || String(account.id);
}

function clock(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function fileSize(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function photoPart(photo) {
  const link = element("a", "photo");
  link.href = photo.url;
  link.target = "_blank";
  link.rel = "noopener";
  link.title = "Open the full picture";
  const image = element("img");
  image.src = photo.url;
  image.alt = "Photo";
  if (photo.width && photo.height) {
    image.width = photo.width;
    image.height = photo.height;
  }
  link.append(image);
  return link;
}

function documentPart(doc) {
  const link = element("a", "document");
  link.href = doc.url;
  link.target = "_blank";
  link.rel = "noopener";
  link.title = "Open in a new tab";
  const name = doc.file_name || "document";
  const extension = name.includes(".") ? name.split(".").pop().slice(0, 4).toUpperCase() : "FILE";
  link.append(element("span", "doc-icon", extension));
  const about = element("span", "doc-about");
  about.append(element("span", "doc-name", name), element("span", "doc-size", fileSize(doc.file_size)));
  link.append(about);
  return link;
}

// A button's label is one line of its own, cut with an ellipsis when it does not fit,
// as Telegram's mobile apps draw it (layout.js finds the cut ones).
function label(text) {
  return element("span", "kb-label", text);
}

function keyboardButton(message, button, ctx) {
  if (button.url !== undefined) {
    const href = safeHref(button.url);
    if (href) {
      const link = element("a", "kb-button url");
      link.append(label(button.text));
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener";
      link.title = href;
      return link;
    }
  }
  const node = element("button", "kb-button");
  node.append(label(button.text));
  node.type = "button";
  if (button.callback_data !== undefined) {
    node.dataset.callback = button.callback_data;
    node.addEventListener("click", () => ctx.onCallback(message, button.callback_data, node));
  } else if (button.copy_text !== undefined) {
    node.addEventListener("click", () => ctx.onCopy(button.copy_text.text));
  } else {
    node.disabled = true;
    node.title = "This kind of button is not simulated by the playground";
  }
  return node;
}

function inlineKeyboard(message, markup, ctx) {
  const keyboard = element("div", "inline-keyboard");
  for (const row of markup.inline_keyboard || []) {
    const line = element("div", "kb-row");
    for (const button of row) line.append(keyboardButton(message, button, ctx));
    keyboard.append(line);
  }
  return keyboard;
}

function serviceMessage(message, ctx) {
  const node = element("div", "message service");
  node.dataset.messageId = message.message_id;
  const added = message.new_chat_members.map(displayName).join(", ");
  const adder = displayName(message.from);
  const joinedAlone = message.new_chat_members.length === 1 && message.new_chat_members[0].id === message.from.id;
  node.append(element("span", "service-text", joinedAlone ? `${added} joined the group` : `${adder} added ${added}`));
  return node;
}

// ctx: { myUserId, isGroup, findMessage(id), onCallback(message, data, button),
//        onCommand(text), onCopy(text) }
export function renderMessage(message, ctx) {
  if (message.new_chat_members && message.new_chat_members.length) return serviceMessage(message, ctx);
  const mine = !message.from.is_bot && message.from.id === ctx.myUserId;
  const node = element("div", `message ${mine ? "out" : "in"}`);
  node.dataset.messageId = message.message_id;
  const bubble = element("div", "bubble");
  if (ctx.isGroup && !mine) {
    const sender = element("div", `sender sender-c${Math.abs(message.from.id) % SENDER_COLOURS}`, displayName(message.from));
    bubble.append(sender);
  }
  if (message.reply_to_message_id != null) {
    const replied = ctx.findMessage(message.reply_to_message_id);
    const quote = element("div", "reply-quote");
    quote.append(element("span", "reply-name", replied ? displayName(replied.from) : "Deleted message"));
    quote.append(element("span", "reply-text", replied ? previewOf(replied) : ""));
    bubble.append(quote);
  }
  if (message.photo) {
    bubble.append(photoPart(message.photo));
    bubble.classList.add("has-photo");
  }
  if (message.document) bubble.append(documentPart(message.document));
  const text = message.text != null ? message.text : message.caption;
  const entities = message.text != null ? message.entities : message.caption_entities;
  if (text) {
    const body = element("div", "text");
    body.append(renderFormatted(text, entities, { onCommand: ctx.onCommand }));
    bubble.append(body);
  }
  const meta = element("div", "meta");
  if (message.edit_count > 0) meta.append(element("span", "edited", "edited"));
  meta.append(element("time", "time", clock(message.date)));
  bubble.append(meta);
  node.append(bubble);
  if (message.reply_markup && message.reply_markup.inline_keyboard) {
    node.append(inlineKeyboard(message, message.reply_markup, ctx));
    node.classList.add("has-keyboard");
  }
  return node;
}
