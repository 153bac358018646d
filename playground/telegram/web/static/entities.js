// Telegram's plain text + entities -> DOM. The server turns every parse mode (HTML,
// MarkdownV2, Markdown) and explicit entities into this one form, so the chat shows
// what a Telegram client would whatever the bot sent. Text only ever becomes text
// nodes; the only elements made are Telegram's own formatting tags (b, i, u, s,
// code, pre, a, blockquote and a spoiler span), and links only with safe schemes.
// Offsets and lengths count UTF-16 code units, as JavaScript strings do.

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:", "tg:"]);

const SIMPLE_TAGS = {
  bold: "b",
  italic: "i",
  underline: "u",
  strikethrough: "s",
  code: "code",
  blockquote: "blockquote",
};

export function safeHref(raw) {
  try {
    const url = new URL(raw);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function link(href, className) {
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  if (className) anchor.className = className;
  return anchor;
}

function span(className) {
  const element = document.createElement("span");
  element.className = className;
  return element;
}

// The element an entity wraps its text in; `segment` is the text it covers.
function elementFor(entity, segment, options) {
  const tag = SIMPLE_TAGS[entity.type];
  if (tag) return document.createElement(tag);
  switch (entity.type) {
    case "pre": {
      const pre = document.createElement("pre");
      if (entity.language) pre.dataset.language = entity.language;
      return pre;
    }
    case "expandable_blockquote": {
      const quote = document.createElement("blockquote");
      quote.className = "expandable";
      quote.addEventListener("click", () => quote.classList.toggle("expanded"));
      return quote;
    }
    case "spoiler": {
      const hidden = span("tg-spoiler");
      hidden.title = "Spoiler: click to reveal";
      hidden.addEventListener("click", () => hidden.classList.add("revealed"));
      return hidden;
    }
    case "text_link": {
      const href = safeHref(entity.url || "");
      return href ? link(href) : span("unsafe-link");
    }
    case "url": {
      const href = safeHref(/^[a-z][a-z0-9+.-]*:/i.test(segment) ? segment : `http://${segment}`);
      return href ? link(href) : span("unsafe-link");
    }
    case "email":
      return link(`mailto:${segment}`);
    case "phone_number":
      return link(`tel:${segment.replace(/[^0-9+]/g, "")}`);
    case "bot_command": {
      const command = span("bot-command");
      if (options.onCommand) {
        command.title = "Send this command";
        command.addEventListener("click", () => options.onCommand(segment));
      }
      return command;
    }
    default:
      // mention, hashtag, cashtag, text_mention, custom_emoji, ...: styled text.
      return span(`entity-${String(entity.type).replace(/[^a-z_]/g, "")}`);
  }
}

function isValid(entity, size) {
  return entity && Number.isInteger(entity.offset) && Number.isInteger(entity.length)
    && entity.length > 0 && entity.offset >= 0 && entity.offset < size;
}

function byPosition(a, b) {
  return a.offset - b.offset || b.length - a.length;
}

// Builds text[start, end) with `entities` (sorted, all starting inside the range).
// An entity reaching past its parent's end is split: the rest continues after it,
// since Telegram allows entities that overlap without nesting.
function build(text, start, end, entities, options) {
  const fragment = document.createDocumentFragment();
  const queue = entities.slice();
  let position = start;
  while (queue.length) {
    const entity = queue.shift();
    const from = Math.max(entity.offset, position);
    const until = Math.min(entity.offset + entity.length, end);
    if (until <= from) continue;
    const inner = [];
    while (queue.length && queue[0].offset < until) {
      const child = queue.shift();
      const childEnd = child.offset + child.length;
      if (childEnd > until) {
        queue.push({ ...child, offset: until, length: childEnd - until });
        queue.sort(byPosition);
      }
      inner.push({ ...child, length: Math.min(childEnd, until) - child.offset });
    }
    if (from > position) fragment.append(text.slice(position, from));
    const segment = text.slice(from, until);
    const element = elementFor(entity, segment, options);
    element.append(build(text, from, until, inner, options));
    fragment.append(element);
    position = until;
  }
  if (position < end) fragment.append(text.slice(position, end));
  return fragment;
}

// options.onCommand(text) is called when a /command in the text is clicked.
export function renderFormatted(text, entities, options = {}) {
  const source = text || "";
  const valid = (entities || []).filter((e) => isValid(e, source.length)).sort(byPosition);
  return build(source, 0, source.length, valid, options);
}
