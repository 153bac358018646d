// The web chat: who is acting, which chat is open, and what the user does there.
// State comes from the control API once, then from the event WebSocket.

import { api } from "./api.js";
import { ChatView } from "./chatview.js";
import { CommandMenu } from "./commands.js";
import { answerHandOffs, deepLinkInAddress, handOff } from "./handoff.js";
import { cutButtonLabels, Panes } from "./layout.js";
import { followEvents } from "./live.js";
import { alertBox, toast } from "./notify.js";
import { Sidebar } from "./sidebar.js";
import { groupKey, Store } from "./store.js";

// Telegram gives a bot 15 s to answer a button; wait a little longer than that.
const CALLBACK_WAIT_S = 20;
const SAVED = "playground-webchat";
const START_RETRY_MS = 1000;

class App {
  constructor(link) {
    this.link = link; // a deep link this tab was opened with, followed once started
    this.store = new Store();
    this.userId = null;
    this.chatKey = null;
    this.panes = new Panes();
    this.sidebar = new Sidebar(this);
    this.view = new ChatView(this);
    this.menu = new CommandMenu(this);
    this.store.addEventListener("change", (event) => this.changed(event.detail));
  }

  async start() {
    let overview;
    try {
      overview = await api.overview();
    } catch (error) {
      this.setLive("offline");
      toast(error.message, "error");
      setTimeout(() => this.start(), START_RETRY_MS);
      return;
    }
    this.store.reset(overview);
    this.restore();
    if (this.link) {
      history.replaceState(null, "", window.location.pathname);
      this.followDeepLink(this.link.bot, this.link.start);
      this.link = null;
    }
    answerHandOffs((bot, start) => this.followDeepLink(bot, start), () => this.userId != null);
    followEvents({
      overview,
      onEvent: (event) => this.store.apply(event),
      onStatus: (state) => this.setLive(state),
      onReset: (fresh) => {
        toast("The playground restarted: starting over", "warn");
        this.store.reset(fresh);
        this.restore();
      },
    });
  }

  // A t.me deep link (the payment pages send the customer back with one) arrives
  // as /?start=PAYLOAD&bot=USERNAME, in this tab or handed over from another
  // (handoff.js): the acting user opens the bot's chat and sends /start PAYLOAD, as
  // Telegram's app does when such a link is opened.
  async followDeepLink(username, payload) {
    const bot = [...this.store.bots.values()].find((b) => b.username === username);
    if (!bot || this.userId == null || !/^[A-Za-z0-9_-]{1,64}$/.test(payload)) {
      toast("This link is for a bot or a user the playground does not know", "warn");
      return;
    }
    this.openChat(`p:${bot.id}:${this.userId}`);
    await this.sendText(`/start ${payload}`);
  }

  // --- where we are ----------------------------------------------------------------

  save() {
    localStorage.setItem(SAVED, JSON.stringify({ userId: this.userId, chatKey: this.chatKey }));
  }

  restore() {
    let saved = {};
    try {
      saved = JSON.parse(localStorage.getItem(SAVED) || "{}") || {};
    } catch {
      saved = {};
    }
    const users = this.store.users;
    const userId = users.has(saved.userId) ? saved.userId : (users.keys().next().value ?? null);
    this.userId = null;
    this.chatKey = null;
    if (userId == null) {
      this.sidebar.render();
      this.view.renderAll();
      return;
    }
    this.selectUser(userId, saved.chatKey);
    if (this.chatKey) this.panes.showChat();
  }

  selectUser(userId, preferredKey = null) {
    this.userId = userId;
    const keys = this.store.chatKeysFor(userId);
    // Switching the acting member of a group keeps the group open.
    const key = [preferredKey, this.chatKey].find((k) => k && keys.includes(k)) || keys[0] || null;
    this.sidebar.renderUsers();
    // On a phone the person stays in the list, where they may pick another chat.
    this.openChat(key, { reveal: false });
  }

  openChat(key, { reveal = true } = {}) {
    this.chatKey = key;
    this.save();
    if (key && reveal) this.panes.showChat();
    this.menu.refresh();
    if (key) {
      const chat = this.store.chat(key);
      chat.unread = 0;
      if (chat.state === "unloaded") this.load(key);
    }
    this.view.renderAll();
    this.sidebar.renderChats();
  }

  openChatState() {
    return this.chatKey ? this.store.chat(this.chatKey) : null;
  }

  async load(key) {
    const chat = this.store.beginLoad(key);
    try {
      const transcript = await api.transcript(chat.chatId, chat.kind === "private" ? chat.botId : null);
      this.store.finishLoad(key, transcript);
    } catch (error) {
      this.store.failLoad(key);
      toast(`Could not load the chat: ${error.message}`, "error");
    }
  }

  chatTitle(chat) {
    if (chat.kind === "group") return this.store.groups.get(chat.chatId)?.title || "Group";
    const bot = this.store.bots.get(chat.botId);
    return bot ? bot.first_name : "Bot";
  }

  // The bot a user's action in the open chat goes through.
  botFor(chat) {
    if (chat.kind === "private") return chat.botId;
    return this.store.groups.get(chat.chatId)?.bot_ids[0] ?? null;
  }

  cannotWrite() {
    const chat = this.openChatState();
    if (this.userId == null) return "Create a user first";
    if (!chat) return "Pick a chat";
    if (chat.kind === "group") {
      const group = this.store.groups.get(chat.chatId);
      if (!group || !group.member_ids.includes(this.userId)) return "You are not a member of this group";
      if (!group.bot_ids.length) return "No bot in this group";
    }
    return null;
  }

  // --- store changes ---------------------------------------------------------------

  changed({ what, key, event }) {
    const open = key !== undefined && key === this.chatKey;
    switch (what) {
      case "all":
        this.sidebar.render();
        this.view.renderAll();
        this.menu.refresh({ force: true });
        break;
      case "lists":
        this.sidebar.render();
        if (this.userId != null && this.chatKey == null) this.selectUser(this.userId);
        // A bot joined the open group, say: its menu may show now.
        this.menu.refresh({ force: true });
        if (open) {
          this.view.renderHeader();
          this.view.renderComposer();
        }
        break;
      case "chat":
        if (open) this.view.renderAll();
        this.sidebar.renderChats();
        break;
      case "message":
        if (open) {
          this.store.chat(key).unread = 0;
          this.view.applyEvent(event);
        }
        this.sidebar.renderChats();
        break;
      case "keyboard":
        if (open) {
          this.view.keyboardHidden = false;
          this.view.renderKeyboard();
        }
        break;
      case "action":
        if (open) this.view.renderStatus();
        break;
      case "commands":
        this.menu.refresh({ force: true });
        break;
      default:
        break;
    }
  }

  setLive(state) {
    const badge = document.getElementById("live-status");
    badge.dataset.state = state;
    badge.textContent = state === "live" ? "● live" : "reconnecting…";
  }

  // --- what the user does ----------------------------------------------------------

  async sendText(text) {
    const chat = this.openChatState();
    const why = this.cannotWrite();
    if (why) {
      toast(why, "warn");
      return false;
    }
    try {
      await api.sendText(this.botFor(chat), chat.chatId, this.userId, text);
      return true;
    } catch (error) {
      toast(error.message, "error");
      return false;
    }
  }

  async click(message, data, button) {
    const chat = this.openChatState();
    if (!chat || this.userId == null) return;
    const botId = message.from.is_bot ? message.from.id : this.botFor(chat);
    button.classList.add("pending");
    try {
      const clicked = await api.click(botId, chat.chatId, message.message_id, this.userId, data);
      const answer = await api.callback(clicked.callback_query_id, CALLBACK_WAIT_S);
      if (!answer.answered) {
        toast("The bot did not answer this button (answerCallbackQuery)", "warn");
      } else if (answer.text) {
        if (answer.show_alert) alertBox(answer.text);
        else toast(answer.text);
      }
      if (answer.url) toast(`The bot answered with a URL: ${answer.url}`);
    } catch (error) {
      toast(error.message, "error");
    } finally {
      button.classList.remove("pending");
    }
  }

  async copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      toast("Copied");
    } catch {
      toast(`Copy this: ${text}`);
    }
  }

  async createUser(fields) {
    try {
      const user = await api.createUser(fields);
      this.store.users.set(user.id, user);
      this.selectUser(user.id);
      this.panes.showChat();
      return true;
    } catch (error) {
      toast(error.message, "error");
      return false;
    }
  }

  async createGroup(fields) {
    try {
      const group = await api.createGroup(fields);
      this.store.groups.set(group.id, group);
      this.openChat(groupKey(group.id));
      return true;
    } catch (error) {
      toast(error.message, "error");
      return false;
    }
  }

  async addMember(userId) {
    const chat = this.openChatState();
    try {
      const answer = await api.addMembers(chat.chatId, [userId], this.userId);
      this.store.groups.set(answer.chat.id, answer.chat);
      this.view.renderHeader();
    } catch (error) {
      toast(error.message, "error");
    }
  }
}

// Tests ask the page which inline button labels are cut (see layout.js).
window.webchat = { cutButtonLabels };

const link = deepLinkInAddress();
if (!link || !(await handOff(link))) new App(link).start();
