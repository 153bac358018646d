// The phone layout: on a narrow screen the chat list and the open chat take turns
// (as in Telegram's mobile apps), and a test can ask which button labels are cut.

import { byId } from "./dom.js";

// Which pane shows is `data-pane` on .app; webchat.css heeds it only on a narrow screen.
export class Panes {
  constructor() {
    this.app = document.querySelector(".app");
    this.app.dataset.pane = "list";
    byId("back-to-list").addEventListener("click", () => this.showList());
  }

  showList() {
    this.app.dataset.pane = "list";
  }

  showChat() {
    this.app.dataset.pane = "chat";
  }
}

// The full labels of the rendered inline buttons whose label does not fit and ends in
// an ellipsis (each label is one `.kb-label` line with text-overflow: ellipsis).
export function cutButtonLabels(root = document) {
  return [...root.querySelectorAll(".inline-keyboard .kb-label")]
    .filter((label) => label.getClientRects().length > 0 && label.scrollWidth > label.clientWidth)
    .map((label) => label.textContent);
}
