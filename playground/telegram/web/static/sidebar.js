// The left column: who you are, your chats, and forms for new users and groups.

import { displayName } from "./messages.js";
import { byId, option } from "./dom.js";

function checkbox(name, value, label, { checked = false, disabled = false } = {}) {
  const wrap = document.createElement("label");
  wrap.className = "check";
  const input = document.createElement("input");
  input.type = "checkbox";
  input.name = name;
  input.value = String(value);
  input.checked = checked;
  input.disabled = disabled;
  wrap.append(input, document.createTextNode(` ${label}`));
  return wrap;
}

function toggleForm(button, form) {
  button.addEventListener("click", () => {
    form.hidden = !form.hidden;
    if (!form.hidden) form.querySelector("input")?.focus();
  });
  form.querySelector("[data-close]").addEventListener("click", () => {
    form.hidden = true;
  });
}

export function userLabel(user) {
  const handle = user.username ? ` @${user.username}` : "";
  return `${displayName(user)}${handle} · ${user.language_code || "?"}`;
}

export class Sidebar {
  constructor(app) {
    this.app = app;
    this.userSelect = byId("user-select");
    this.chatList = byId("chat-list");
    this.userForm = byId("new-user-form");
    this.groupForm = byId("new-group-form");
    toggleForm(byId("new-user-toggle"), this.userForm);
    toggleForm(byId("new-group-toggle"), this.groupForm);
    byId("new-group-toggle").addEventListener("click", () => this.fillGroupForm());
    this.userSelect.addEventListener("change", () => app.selectUser(Number(this.userSelect.value)));
    this.userForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitUser();
    });
    this.groupForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitGroup();
    });
  }

  async submitUser() {
    const data = new FormData(this.userForm);
    const fields = { first_name: data.get("first_name").trim(), language_code: data.get("language_code").trim() };
    for (const name of ["last_name", "username"]) {
      const value = data.get(name).trim();
      if (value) fields[name] = value;
    }
    if (await this.app.createUser(fields)) {
      this.userForm.reset();
      this.userForm.hidden = true;
    }
  }

  fillGroupForm() {
    const { store, userId } = this.app;
    const members = byId("new-group-members");
    members.replaceChildren(...[...store.users.values()].map((user) =>
      checkbox("member", user.id, displayName(user), { checked: user.id === userId, disabled: user.id === userId })));
    const bots = byId("new-group-bots");
    bots.replaceChildren(...[...store.bots.values()].map((bot) =>
      checkbox("bot", bot.id, `@${bot.username}`, { checked: true })));
  }

  async submitGroup() {
    const form = this.groupForm;
    const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => Number(i.value));
    const others = checked("member").filter((id) => id !== this.app.userId);
    const created = await this.app.createGroup({
      title: new FormData(form).get("title").trim(),
      // The acting user creates the group, so they come first.
      member_ids: [this.app.userId, ...others],
      bot_ids: checked("bot"),
      bot_admin: form.querySelector("input[name=bot_admin]").checked,
    });
    if (created) {
      form.reset();
      form.hidden = true;
    }
  }

  render() {
    this.renderUsers();
    this.renderChats();
  }

  renderUsers() {
    const { store, userId } = this.app;
    const users = [...store.users.values()];
    this.userSelect.replaceChildren(
      ...(users.length ? [] : [option("", "No users yet: create one")]),
      ...users.map((user) => option(user.id, userLabel(user))));
    this.userSelect.disabled = users.length === 0;
    if (userId != null) this.userSelect.value = String(userId);
  }

  renderChats() {
    const { store, userId, chatKey } = this.app;
    if (userId == null) {
      this.chatList.replaceChildren(this.hint("Create a user to chat with the bot."));
      return;
    }
    const keys = store.chatKeysFor(userId);
    if (!keys.length) {
      this.chatList.replaceChildren(this.hint("No bot has called the playground yet."));
      return;
    }
    this.chatList.replaceChildren(...keys.map((key) => this.chatItem(key, key === chatKey)));
  }

  hint(text) {
    const node = document.createElement("p");
    node.className = "hint";
    node.textContent = text;
    return node;
  }

  chatItem(key, active) {
    const { store } = this.app;
    const chat = store.chat(key);
    const item = document.createElement("button");
    item.type = "button";
    item.className = `chat-item${active ? " active" : ""}`;
    item.dataset.chatKey = key;
    const title = this.app.chatTitle(chat);
    const avatar = document.createElement("span");
    avatar.className = `avatar ${chat.kind}`;
    avatar.textContent = title.slice(0, 1).toUpperCase();
    const about = document.createElement("span");
    about.className = "chat-about";
    const name = document.createElement("span");
    name.className = "chat-name";
    name.textContent = title;
    const preview = document.createElement("span");
    preview.className = "chat-preview";
    preview.textContent = chat.preview;
    about.append(name, preview);
    item.append(avatar, about);
    if (chat.unread && !active) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(chat.unread);
      item.append(badge);
    }
    item.addEventListener("click", () => this.app.openChat(key));
    return item;
  }
}
