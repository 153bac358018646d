// The playground's event stream over its WebSocket (/control/ws), resumed after a
// drop from the last event seen, so nothing is missed and nothing comes twice.

import { api, pageUrl } from "./api.js";

const FIRST_RETRY_MS = 300;
const MAX_RETRY_MS = 5000;

function socketUrl(after) {
  const url = pageUrl(`control/ws?after=${after}`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url;
}

// onEvent(event) for each event in order; onStatus("live" | "offline");
// onReset(overview) when the server restarted (a new instance, whose events start
// again from 1: resuming from our seq would skip them).
export function followEvents({ overview, onEvent, onStatus, onReset }) {
  let seq = overview.last_seq;
  let instance = overview.instance;
  let retry = FIRST_RETRY_MS;
  let reconnecting = false;

  function open() {
    const socket = new WebSocket(socketUrl(seq));
    socket.addEventListener("open", () => {
      retry = FIRST_RETRY_MS;
      onStatus("live");
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.seq <= seq) return;
      seq = event.seq;
      onEvent(event);
    });
    socket.addEventListener("close", () => {
      onStatus("offline");
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (reconnecting) return;
    reconnecting = true;
    setTimeout(reconnect, retry);
    retry = Math.min(retry * 2, MAX_RETRY_MS);
  }

  async function reconnect() {
    reconnecting = false;
    let overview;
    try {
      overview = await api.overview();
    } catch {
      scheduleReconnect();
      return;
    }
    if (overview.instance !== instance) {
      instance = overview.instance;
      seq = overview.last_seq;
      onReset(overview);
    }
    open();
  }

  open();
}
