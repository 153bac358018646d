// What the web chat knows: bots, users, groups and the chats' messages, kept up to
// date from the playground's events. Views listen for "change" events.

export function privateKey(botId, userId) {
  return `p:${botId}:${userId}`;
}

export function groupKey(chatId) {
  return `g:${chatId}`;
}

// The chat an event belongs to, or null (bot.created, user.created, ...).
function chatKeyOf(event) {
  if (event.chat_id == null) return null;
  if (event.chat_id < 0) return groupKey(event.chat_id);
  return event.bot_id == null ? null : privateKey(event.bot_id, event.chat_id);
}

class Chat {
  constructor(key, kind, chatId, botId) {
    this.key = key;
    this.kind = kind; // "private" or "group"
    this.chatId = chatId;
    this.botId = botId; // the bot of a private chat
    this.messages = new Map(); // message_id -> transcript view
    this.replyKeyboard = null;
    this.state = "unloaded"; // "loading", "loaded"
    this.loadedSeq = 0; // the event seq the loaded transcript reflects
    this.buffered = []; // events that arrived while loading
    this.unread = 0;
    this.preview = "";
    this.action = null; // {action, until}
  }
}

export function previewOf(message) {
  if (message.new_chat_members && message.new_chat_members.length) return "joined the group";
  if (message.photo) return `🖼 ${message.caption || "Photo"}`;
  if (message.document) return `📄 ${message.document.file_name || "Document"}`;
  return message.text || message.caption || "";
}

export class Store extends EventTarget {
  constructor() {
    super();
    this.reset({ bots: [], users: [], groups: [] });
  }

  reset(overview) {
    this.bots = new Map(overview.bots.map((b) => [b.id, b]));
    this.users = new Map(overview.users.map((u) => [u.id, u]));
    this.groups = new Map(overview.groups.map((g) => [g.id, g]));
    this.chats = new Map();
    this.changed("all");
  }

  changed(what, detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail: { what, ...detail } }));
  }

  chat(key) {
    let chat = this.chats.get(key);
    if (!chat) {
      const [kind, first, second] = key.split(":");
      chat = kind === "g"
        ? new Chat(key, "group", Number(first), null)
        : new Chat(key, "private", Number(second), Number(first));
      this.chats.set(key, chat);
    }
    return chat;
  }

  // Chats `userId` can see: a private chat with each bot, and the groups they are in.
  chatKeysFor(userId) {
    const keys = [...this.bots.keys()].map((botId) => privateKey(botId, userId));
    for (const group of this.groups.values()) {
      if (group.member_ids.includes(userId)) keys.push(groupKey(group.id));
    }
    return keys;
  }

  beginLoad(key) {
    const chat = this.chat(key);
    chat.state = "loading";
    chat.buffered = [];
    return chat;
  }

  // The transcript answer; buffered events newer than it are applied on top.
  finishLoad(key, transcript) {
    const chat = this.chat(key);
    chat.messages = new Map(transcript.messages.filter((m) => !m.deleted).map((m) => [m.message_id, m]));
    chat.replyKeyboard = transcript.reply_keyboard;
    chat.loadedSeq = transcript.last_seq;
    chat.state = "loaded";
    const last = [...chat.messages.values()].pop();
    if (last) chat.preview = previewOf(last);
    const buffered = chat.buffered;
    chat.buffered = [];
    for (const event of buffered) this.applyToChat(chat, event);
    this.changed("chat", { key });
  }

  failLoad(key) {
    this.chat(key).state = "unloaded";
  }

  apply(event) {
    switch (event.type) {
      case "bot.created":
        this.bots.set(event.bot.id, event.bot);
        this.changed("lists");
        return;
      case "user.created":
        this.users.set(event.user.id, event.user);
        this.changed("lists");
        return;
      case "bot.commands":
        this.changed("commands", { botId: event.bot_id });
        return;
      case "chat.created":
      case "chat.updated":
        this.groups.set(event.chat.id, event.chat);
        this.changed("lists", { key: groupKey(event.chat.id) });
        return;
      default:
        break;
    }
    const key = chatKeyOf(event);
    if (key === null) return;
    const chat = this.chat(key);
    if (chat.state === "loading") {
      chat.buffered.push(event);
      return;
    }
    this.applyToChat(chat, event);
  }

  applyToChat(chat, event) {
    // The loaded transcript already shows everything up to loadedSeq; an older
    // event replayed on top would undo a later edit.
    if (chat.state === "loaded" && event.seq <= chat.loadedSeq) return;
    const detail = { key: chat.key, event };
    switch (event.type) {
      case "message.new":
        chat.preview = previewOf(event.message);
        chat.unread += 1; // the view clears it for the open chat
        if (chat.state === "loaded") chat.messages.set(event.message.message_id, event.message);
        chat.action = null;
        this.changed("message", detail);
        break;
      case "message.edited":
        if (chat.state === "loaded") chat.messages.set(event.message.message_id, event.message);
        this.changed("message", detail);
        break;
      case "message.deleted":
        chat.messages.delete(event.message_id);
        this.changed("message", detail);
        break;
      case "chat.keyboard":
        chat.replyKeyboard = event.reply_keyboard;
        this.changed("keyboard", detail);
        break;
      case "chat.action":
        // Telegram shows an action for five seconds or until the next message.
        chat.action = { action: event.action, until: Date.now() + 5000 };
        this.changed("action", detail);
        break;
      default:
        break;
    }
  }
}
