// Small DOM helpers shared by the views.

export function byId(id) {
  return document.getElementById(id);
}

export function option(value, label) {
  const node = document.createElement("option");
  node.value = String(value);
  node.textContent = label;
  return node;
}
