// The bot's command menu beside the input, as Telegram's apps show it: a "Menu"
// button when the bot set commands for this chat and user, a list of them above the
// input, and a tap sends the command.

import { api } from "./api.js";
import { byId } from "./dom.js";

export class CommandMenu {
  constructor(app) {
    this.app = app;
    this.button = byId("menu-button");
    this.panel = byId("command-menu");
    this.commands = [];
    this.shownFor = null; // "chatKey|userId" the list belongs to
    this.asked = 0; // numbers the requests, so a slow answer never overwrites a newer one
    this.button.addEventListener("click", () => this.toggle());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    document.addEventListener("click", (event) => {
      if (!this.panel.hidden && !this.panel.contains(event.target) && !this.button.contains(event.target)) {
        this.close();
      }
    });
  }

  // The open chat changed, or the bot changed its menu (`force`).
  async refresh({ force = false } = {}) {
    const { app } = this;
    const chat = app.openChatState();
    const botId = chat ? app.botFor(chat) : null;
    const target = chat && botId != null && app.userId != null ? `${chat.key}|${app.userId}` : null;
    if (!force && target === this.shownFor) return;
    const number = ++this.asked;
    if (target !== this.shownFor) this.show(null, []);
    if (target === null) return;
    let answer;
    try {
      answer = await api.commands(chat.chatId, botId, app.userId);
    } catch {
      answer = { commands: [] }; // not a member (yet): no menu, as in Telegram
    }
    if (number === this.asked) this.show(target, answer.commands);
  }

  show(target, commands) {
    this.shownFor = target;
    this.commands = commands;
    this.button.hidden = commands.length === 0;
    if (commands.length === 0) this.close();
    else if (!this.panel.hidden) this.render();
  }

  toggle() {
    if (this.panel.hidden) this.open();
    else this.close();
  }

  open() {
    if (!this.commands.length || this.app.cannotWrite()) return;
    this.render();
    this.panel.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
  }

  close() {
    this.panel.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
  }

  render() {
    this.panel.replaceChildren(...this.commands.map((command) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "command-item";
      item.setAttribute("role", "menuitem");
      item.dataset.command = command.command;
      const name = document.createElement("span");
      name.className = "command-name";
      name.textContent = `/${command.command}`;
      const about = document.createElement("span");
      about.className = "command-about";
      about.textContent = command.description;
      item.append(name, about);
      item.addEventListener("click", () => this.send(command.command));
      return item;
    }));
  }

  async send(command) {
    this.close();
    const chat = this.app.openChatState();
    if (!chat) return;
    // In a group the command names its bot, as Telegram's apps send it from the menu.
    const bot = chat.kind === "group" ? this.app.store.bots.get(this.app.botFor(chat)) : null;
    await this.app.sendText(bot ? `/${command}@${bot.username}` : `/${command}`);
  }
}
