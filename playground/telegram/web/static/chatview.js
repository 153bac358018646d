// The open chat: header (with group tools), the message list updated in place, the
// reply keyboard and the input box.

import { displayName, renderMessage } from "./messages.js";
import { byId, option } from "./dom.js";

const NEAR_BOTTOM_PX = 80;
const ACTION_TEXT = {
  typing: "typing…",
  upload_photo: "sending a photo…",
  upload_document: "sending a file…",
  find_location: "choosing a location…",
  choose_sticker: "choosing a sticker…",
};

export class ChatView {
  constructor(app) {
    this.app = app;
    this.list = byId("messages");
    this.input = byId("composer-input");
    this.send = byId("send");
    this.keyboard = byId("reply-keyboard");
    this.keyboardToggle = byId("keyboard-toggle");
    this.keyboardHidden = false;
    this.nodes = new Map(); // message_id -> element of the open chat
    byId("composer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.fitInput());
    this.keyboardToggle.addEventListener("click", () => {
      this.keyboardHidden = !this.keyboardHidden;
      this.renderKeyboard();
    });
    byId("member-select").addEventListener("change", (event) => app.selectUser(Number(event.target.value)));
    byId("add-member").addEventListener("click", () => {
      const value = byId("add-member-select").value;
      if (value) app.addMember(Number(value));
    });
    setInterval(() => this.renderStatus(), 1000);
  }

  get chat() {
    return this.app.openChatState();
  }

  async submit() {
    const text = this.input.value;
    if (!text.trim() || this.input.disabled) return;
    if (await this.app.sendText(text)) {
      this.input.value = "";
      this.fitInput();
    }
  }

  fitInput() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  // --- everything ------------------------------------------------------------------

  renderAll() {
    this.keyboardHidden = false;
    this.renderHeader();
    this.renderMessages();
    this.renderKeyboard();
    this.renderComposer();
  }

  renderHeader() {
    const chat = this.chat;
    const tools = byId("group-tools");
    if (!chat) {
      byId("chat-name").textContent = "No chat open";
      byId("chat-avatar").textContent = "";
      tools.hidden = true;
      this.renderStatus();
      return;
    }
    const title = this.app.chatTitle(chat);
    byId("chat-name").textContent = title;
    byId("chat-avatar").textContent = title.slice(0, 1).toUpperCase();
    byId("chat-avatar").className = `avatar ${chat.kind}`;
    tools.hidden = chat.kind !== "group";
    if (chat.kind === "group") this.renderGroupTools(chat);
    this.renderStatus();
  }

  renderGroupTools(chat) {
    const { store, userId } = this.app;
    const group = store.groups.get(chat.chatId);
    if (!group) return;
    const members = byId("member-select");
    members.replaceChildren(...group.member_ids.map((id) => option(id, displayName(store.users.get(id)))));
    members.value = String(userId);
    const outsiders = [...store.users.values()].filter((u) => !group.member_ids.includes(u.id));
    const add = byId("add-member-select");
    add.replaceChildren(option("", outsiders.length ? "Add a user…" : "Everyone is in"),
      ...outsiders.map((u) => option(u.id, displayName(u))));
    add.disabled = byId("add-member").disabled = outsiders.length === 0;
  }

  renderStatus() {
    const chat = this.chat;
    const status = byId("chat-status");
    if (!chat) {
      status.textContent = this.app.userId == null ? "Create a user to start" : "Pick a chat";
      return;
    }
    if (chat.action && chat.action.until > Date.now()) {
      status.textContent = ACTION_TEXT[chat.action.action] || `${chat.action.action.replaceAll("_", " ")}…`;
      status.classList.add("busy");
      return;
    }
    status.classList.remove("busy");
    const { store } = this.app;
    if (chat.kind === "group") {
      const group = store.groups.get(chat.chatId);
      const people = group ? group.member_ids.length : 0;
      const bots = group ? group.bot_ids.length : 0;
      status.textContent = `${people} member${people === 1 ? "" : "s"}, ${bots} bot${bots === 1 ? "" : "s"}`;
    } else {
      const bot = store.bots.get(chat.botId);
      status.textContent = bot ? `@${bot.username} · bot` : "bot";
    }
  }

  // --- messages --------------------------------------------------------------------

  messageContext() {
    const chat = this.chat;
    return {
      myUserId: this.app.userId,
      isGroup: chat.kind === "group",
      findMessage: (id) => chat.messages.get(id),
      onCallback: (message, data, button) => this.app.click(message, data, button),
      onCommand: (text) => this.app.sendText(text),
      onCopy: (text) => this.app.copy(text),
    };
  }

  renderMessages() {
    this.nodes.clear();
    const chat = this.chat;
    if (!chat) {
      this.list.replaceChildren();
      return;
    }
    if (chat.state !== "loaded") {
      const wait = document.createElement("p");
      wait.className = "hint center";
      wait.textContent = "Loading…";
      this.list.replaceChildren(wait);
      return;
    }
    const context = this.messageContext();
    const ordered = [...chat.messages.values()].sort((a, b) => a.message_id - b.message_id);
    this.list.replaceChildren(...ordered.map((message) => this.remember(renderMessage(message, context))));
    if (!ordered.length) {
      const empty = document.createElement("p");
      empty.className = "hint center";
      empty.textContent = chat.kind === "private" ? "No messages yet: send /start" : "No messages yet";
      this.list.append(empty);
    }
    this.scrollToBottom();
  }

  remember(node) {
    this.nodes.set(Number(node.dataset.messageId), node);
    return node;
  }

  // A message event of the open chat: add, replace or remove one element.
  applyEvent(event) {
    const chat = this.chat;
    if (!chat || chat.state !== "loaded") return;
    const stick = this.isNearBottom();
    if (event.type === "message.deleted") {
      this.nodes.get(event.message_id)?.remove();
      this.nodes.delete(event.message_id);
    } else {
      const message = event.message;
      const old = this.nodes.get(message.message_id);
      const fresh = this.remember(renderMessage(message, this.messageContext()));
      if (old && old.isConnected) {
        old.replaceWith(fresh);
      } else {
        this.list.querySelector(".hint.center")?.remove();
        this.insertInOrder(fresh, message.message_id);
      }
    }
    if (stick || (event.type === "message.new" && event.message.from.id === this.app.userId)) {
      this.scrollToBottom();
    }
  }

  insertInOrder(node, messageId) {
    const later = [...this.list.children].find((child) => Number(child.dataset.messageId) > messageId);
    this.list.insertBefore(node, later || null);
  }

  isNearBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
    // Pictures change the height once they load.
    for (const image of this.list.querySelectorAll("img")) {
      if (!image.complete) image.addEventListener("load", () => { this.list.scrollTop = this.list.scrollHeight; }, { once: true });
    }
  }

  // --- input area ------------------------------------------------------------------

  renderComposer() {
    const why = this.app.cannotWrite();
    this.input.disabled = this.send.disabled = why !== null;
    const placeholder = this.chat?.replyKeyboard?.input_field_placeholder;
    this.input.placeholder = why || placeholder || "Message";
  }

  renderKeyboard() {
    const markup = this.chat?.replyKeyboard;
    this.keyboardToggle.hidden = !markup;
    if (!markup || this.keyboardHidden) {
      this.keyboard.hidden = true;
      this.keyboard.replaceChildren();
      this.renderComposer();
      return;
    }
    this.keyboard.hidden = false;
    this.keyboard.replaceChildren(...(markup.keyboard || []).map((row) => {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const button of row) {
        const text = typeof button === "string" ? button : button.text;
        const node = document.createElement("button");
        node.type = "button";
        node.className = "kb-button reply";
        node.textContent = text;
        const special = typeof button === "object" && Object.keys(button).some((k) => k.startsWith("request_") || k === "web_app");
        if (special) {
          node.disabled = true;
          node.title = "Sharing contacts, places, chats or web apps is not simulated by the playground";
        }
        node.addEventListener("click", async () => {
          if (await this.app.sendText(text) && markup.one_time_keyboard) {
            this.keyboardHidden = true;
            this.renderKeyboard();
          }
        });
        line.append(node);
      }
      return line;
    }));
    this.renderComposer();
  }
}
