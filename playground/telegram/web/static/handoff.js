// Coming back from a pay page. Its way back is a t.me deep link, which the playground
// turns into this page at /?bot=NAME&start=PAYLOAD. On a phone such a link brings the
// Telegram app back to the front, in the chat it came from; here the web chat already
// open in another tab takes the link (over a BroadcastChannel) and the pay page's tab
// closes. With no chat tab open, the tab becomes the chat and follows the link itself.

const CHANNEL = "playground-webchat-links";
const ASK_MS = 400; // how long open chat tabs have to say they are there
const TAKE_MS = 1500; // and the chosen one to say it took the link

function randomId() {
  // Not crypto.randomUUID: that needs a secure context, and --host 0.0.0.0 is plain http.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// {bot, start} of a deep link in this page's address, or null.
export function deepLinkInAddress() {
  const params = new URLSearchParams(window.location.search);
  const start = params.get("start");
  return start == null ? null : { bot: params.get("bot"), start };
}

function showNotice(state) {
  document.body.dataset.handoff = state;
}

// In the pay page's tab: hand the link to an open chat tab, then close this one.
// True when a chat tab took it.
export async function handOff(link) {
  if (!("BroadcastChannel" in window)) return false;
  showNotice("asking");
  const channel = new BroadcastChannel(CHANNEL);
  const id = randomId();
  const tabs = [];
  let taken;
  const took = new Promise((resolve) => { taken = resolve; });
  channel.addEventListener("message", ({ data }) => {
    if (data.id !== id) return;
    if (data.kind === "here") tabs.push(data);
    if (data.kind === "taken") taken(true);
  });
  channel.postMessage({ kind: "who", id });
  await sleep(ASK_MS);
  // The tab that opened a link last is the one the person paid from.
  const chosen = tabs.reduce((best, tab) => (best && best.opened >= tab.opened ? best : tab), null);
  let handed = false;
  if (chosen) {
    channel.postMessage({ kind: "follow", id, tab: chosen.tab, bot: link.bot, start: link.start });
    handed = await Promise.race([took, sleep(TAKE_MS).then(() => false)]);
  }
  channel.close();
  if (!handed) {
    delete document.body.dataset.handoff;
    return false;
  }
  showNotice("done");
  history.replaceState(null, "", window.location.pathname);
  // Allowed for a tab the chat opened; otherwise the notice stays, with a link.
  window.close();
  return true;
}

// In a chat tab: say so to pay pages coming back, and follow the link when chosen.
// follow(bot, start) sends /start PAYLOAD in the bot's chat; canFollow() says whether
// this tab can (it has a user to send it as).
export function answerHandOffs(follow, canFollow) {
  if (!("BroadcastChannel" in window)) return;
  const tab = randomId();
  let opened = 0;
  // Links the chat opens in a new tab: pay pages, documents, URL buttons.
  document.addEventListener("click", (event) => {
    if (event.target.closest?.("a[target=_blank]")) opened = Date.now();
  }, true);
  const channel = new BroadcastChannel(CHANNEL);
  channel.addEventListener("message", ({ data }) => {
    if (data.kind === "who" && canFollow()) {
      channel.postMessage({ kind: "here", id: data.id, tab, opened });
    } else if (data.kind === "follow" && data.tab === tab) {
      channel.postMessage({ kind: "taken", id: data.id, tab });
      window.focus();
      follow(data.bot, data.start);
    }
  });
}
