// The control API of the playground, as the web chat uses it. Every address is
// relative to the page, so the chat works under a sub-app prefix too.

export class ControlError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

export function pageUrl(path) {
  return new URL(path, document.baseURI);
}

async function request(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(pageUrl(path), options);
  } catch (error) {
    throw new ControlError(0, `the playground does not answer (${error.message})`);
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const reason = answer && answer.error ? answer.error : `${response.status} ${response.statusText}`;
    throw new ControlError(response.status, reason);
  }
  return answer;
}

export const api = {
  overview: () => request("GET", "control/overview"),
  createUser: (fields) => request("POST", "control/users", fields),
  createGroup: (fields) => request("POST", "control/chats", fields),
  addMembers: (chatId, userIds, byUserId) =>
    request("POST", `control/chats/${chatId}/members`, { user_ids: userIds, by_user_id: byUserId }),
  transcript: (chatId, botId) => {
    const bot = botId == null ? "" : `&bot=${botId}`;
    return request("GET", `control/chats/${chatId}/messages?include_deleted=0${bot}`);
  },
  // The bot's command menu as this user sees it in the chat (Telegram's order of scopes).
  commands: (chatId, botId, userId) =>
    request("GET", `control/chats/${chatId}/commands?bot=${botId}&user_id=${userId}`),
  sendText: (botId, chatId, userId, text) =>
    request("POST", "control/messages", { bot_id: botId, chat_id: chatId, user_id: userId, text }),
  click: (botId, chatId, messageId, userId, data) =>
    request("POST", "control/callbacks",
      { bot_id: botId, chat_id: chatId, message_id: messageId, user_id: userId, data }),
  // Long-polls until the bot answered the query (or `wait` seconds passed).
  callback: (id, wait) => request("GET", `control/callbacks/${encodeURIComponent(id)}?wait=${wait}`),
};
