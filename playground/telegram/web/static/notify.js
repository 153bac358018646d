// Callback answers and errors: a toast that fades out, or a modal dialog for
// answerCallbackQuery(show_alert=True), as Telegram clients show them.

const TOAST_MS = 3500;

export function toast(text, kind = "info") {
  const box = document.getElementById("toasts");
  const item = document.createElement("div");
  item.className = `toast ${kind}`;
  item.textContent = text;
  box.append(item);
  setTimeout(() => item.classList.add("leaving"), TOAST_MS);
  setTimeout(() => item.remove(), TOAST_MS + 400);
}

export function alertBox(text) {
  const dialog = document.getElementById("alert-dialog");
  document.getElementById("alert-text").textContent = text;
  if (!dialog.open) dialog.showModal();
}
