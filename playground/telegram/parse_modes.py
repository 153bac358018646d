"""Parse modes: HTML, MarkdownV2 and legacy Markdown become plain text + entities.

Telegram stores a message as plain text plus entities (offsets in UTF-16 code units)
and answers malformed markup with "can't parse entities: ...". We do the same, so a
bot that escapes badly fails here as it would in production.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from playground.telegram.errors import ApiError, bad_request

Entity = dict[str, Any]


@dataclass(frozen=True)
class Formatted:
    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cant_parse(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


@dataclass
class _Open:
    type: str
    offset: int  # UTF-16 offset in the output
    index: int  # character index in the source, for error messages
    name: str
    extra: dict[str, Any] = field(default_factory=dict)


class _Output:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += utf16_len(text)

    def close(self, opened: _Open) -> None:
        length = self.length - opened.offset
        if length > 0 and opened.type:
            self.entities.append(
                {"type": opened.type, "offset": opened.offset, "length": length, **opened.extra}
            )

    def result(self) -> Formatted:
        return Formatted("".join(self.parts), self.entities)


# --- HTML -------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)/?>")
_ATTR = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "code": "code", "pre": "pre",
    "blockquote": "blockquote",
}


def _attributes(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found[match.group(1).lower()] = html.unescape(value)
    return found


def _html_open(name: str, raw_attrs: str, source: str, index: int) -> tuple[str, dict[str, Any]]:
    attrs = _attributes(raw_attrs)
    if name in _SIMPLE_TAGS:
        kind = _SIMPLE_TAGS[name]
        if kind == "blockquote" and "expandable" in attrs:
            return "expandable_blockquote", {}
        if kind == "code" and attrs.get("class", "").startswith("language-"):
            return kind, {"language": attrs["class"][len("language-"):]}
        return kind, {}
    if name == "span" and attrs.get("class") == "tg-spoiler":
        return "spoiler", {}
    if name == "a":
        href = attrs.get("href", "")
        return ("text_link", {"url": href}) if href else ("", {})
    if name == "tg-emoji" and attrs.get("emoji-id"):
        return "custom_emoji", {"custom_emoji_id": attrs["emoji-id"]}
    raise _cant_parse(
        f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, index)}'
    )


def parse_html(source: str) -> Formatted:
    out = _Output()
    stack: list[_Open] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            tag = _TAG.match(source, i)
            if not tag:
                raise _cant_parse(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
            name = tag.group(2).lower()
            if tag.group(1):
                _html_close(out, stack, name, source, i)
            else:
                kind, extra = _html_open(name, tag.group(3), source, i)
                stack.append(_Open(kind, out.length, i, name, extra))
            i = tag.end()
        elif char == "&":
            entity = _HTML_ENTITY.match(source, i)
            if entity:
                out.add(html.unescape(entity.group()))
                i = entity.end()
            else:
                out.add("&")
                i += 1
        else:
            end = min((j for j in (source.find("<", i), source.find("&", i)) if j >= 0),
                      default=len(source))
            out.add(source[i:end])
            i = end
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _html_close(out: _Output, stack: list[_Open], name: str, source: str, index: int) -> None:
    if not stack:
        raise _cant_parse(f"Unexpected end tag at byte offset {_byte_offset(source, index)}")
    top = stack[-1]
    if top.name != name:
        raise _cant_parse(
            f"Unmatched end tag at byte offset {_byte_offset(source, index)}, "
            f'expected "</{top.name}>", found "</{name}>"'
        )
    stack.pop()
    if top.type == "code":
        language = top.extra.pop("language", None)
        if stack and stack[-1].type == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            if language:
                stack[-1].extra["language"] = language
            return
    out.close(top)


# --- MarkdownV2 ---------------------------------------------------------------------

_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_V2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def parse_markdown_v2(source: str) -> Formatted:
    out = _Output()
    stack: list[_Open] = []
    quote: _Open | None = None
    i = 0
    line_start = True
    while i < len(source):
        char = source[i]
        if line_start and char == ">":
            if quote is None:
                quote = _Open("blockquote", out.length, i, ">")
            i += 1
            line_start = False
            continue
        if line_start and quote is not None:
            out.close(quote)
            quote = None
        line_start = False
        if char == "\\" and i + 1 < len(source) and 0 < ord(source[i + 1]) < 127:
            out.add(source[i + 1])
            i += 2
        elif char == "\n":
            if quote is not None and not source.startswith(">", i + 1):
                out.close(quote)
                quote = None
            out.add("\n")
            line_start = True
            i += 1
        elif char == "`":
            i = _v2_code(source, i, out)
        elif char in "*~" or char == "_" or source.startswith("||", i):
            if source.startswith("__", i):
                kind, width = "underline", 2
            elif source.startswith("||", i):
                kind, width = "spoiler", 2
            else:
                kind, width = {"*": "bold", "~": "strikethrough", "_": "italic"}[char], 1
            _toggle(out, stack, kind, i)
            i += width
        elif char == "[" or source.startswith("![", i):
            kind = "custom_emoji" if char == "!" else "text_link"
            stack.append(_Open(kind, out.length, i, char))
            i += 2 if char == "!" else 1
        elif char == "]" and any(o.name in "[!" for o in stack):
            i = _v2_link_end(source, i, out, stack)
        elif char in _RESERVED_V2:
            raise _cant_parse(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            end = i + 1
            while end < len(source) and source[end] not in _RESERVED_V2 and source[end] not in "\\\n|":
                end += 1
            out.add(source[i:end])
            i = end
    if stack:
        top = stack[-1]
        raise _cant_parse(
            f"Can't find end of {_V2_NAMES.get(top.type, top.type)} entity at byte offset "
            f"{_byte_offset(source, top.index)}"
        )
    if quote is not None:
        out.close(quote)
    return out.result()


def _toggle(out: _Output, stack: list[_Open], kind: str, index: int) -> None:
    for position in range(len(stack) - 1, -1, -1):
        if stack[position].type == kind:
            out.close(stack.pop(position))
            return
    stack.append(_Open(kind, out.length, index, kind))


def _read_escaped(source: str, start: int, stop: str) -> tuple[str, int] | None:
    """Read until `stop` (unescaped); inside only backslash escapes count."""
    chars: list[str] = []
    i = start
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source):
            chars.append(source[i + 1])
            i += 2
        elif source.startswith(stop, i):
            return "".join(chars), i + len(stop)
        else:
            chars.append(source[i])
            i += 1
    return None


def _v2_code(source: str, index: int, out: _Output) -> int:
    if source.startswith("```", index):
        found = _read_escaped(source, index + 3, "```")
        if found is None:
            raise _cant_parse(
                f"Can't find end of PreCode entity at byte offset {_byte_offset(source, index)}"
            )
        body, end = found
        language = ""
        first, newline, rest = body.partition("\n")
        if newline and first and " " not in first:
            language, body = first, rest
        opened = _Open("pre", out.length, index, "```", {"language": language} if language else {})
        out.add(body)
        out.close(opened)
        return end
    found = _read_escaped(source, index + 1, "`")
    if found is None:
        raise _cant_parse(
            f"Can't find end of Code entity at byte offset {_byte_offset(source, index)}"
        )
    body, end = found
    opened = _Open("code", out.length, index, "`")
    out.add(body)
    out.close(opened)
    return end


def _v2_link_end(source: str, index: int, out: _Output, stack: list[_Open]) -> int:
    position = max(p for p, o in enumerate(stack) if o.name in "[!")
    opened = stack.pop(position)
    if not source.startswith("(", index + 1):
        raise _cant_parse("Character ']' is reserved and must be escaped with the preceding '\\'")
    found = _read_escaped(source, index + 2, ")")
    if found is None:
        raise _cant_parse(
            f"Can't find end of a URL at byte offset {_byte_offset(source, index + 1)}"
        )
    url, end = found
    if opened.type == "custom_emoji":
        opened.extra = {"custom_emoji_id": url.rpartition("id=")[2]}
    else:
        opened.extra = {"url": url}
    out.close(opened)
    return end


# --- Markdown (legacy) ---------------------------------------------------------------

_LEGACY_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_LEGACY_MARKS = {"*": "bold", "_": "italic", "`": "code"}


def parse_markdown(source: str) -> Formatted:
    out = _Output()
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in "_*`[":
            out.add(source[i + 1])
            i += 2
        elif source.startswith("```", i):
            end = source.find("```", i + 3)
            if end < 0:
                raise _legacy_unclosed(source, i)
            opened = _Open("pre", out.length, i, "```")
            out.add(source[i + 3:end])
            out.close(opened)
            i = end + 3
        elif char in _LEGACY_MARKS:
            end = source.find(char, i + 1)
            if end < 0:
                raise _legacy_unclosed(source, i)
            opened = _Open(_LEGACY_MARKS[char], out.length, i, char)
            out.add(source[i + 1:end])
            out.close(opened)
            i = end + 1
        elif char == "[" and (link := _LEGACY_LINK.match(source, i)):
            opened = _Open("text_link", out.length, i, "[", {"url": link.group(2)})
            out.add(link.group(1))
            out.close(opened)
            i = link.end()
        else:
            out.add(char)
            i += 1
    return out.result()


def _legacy_unclosed(source: str, index: int) -> ApiError:
    return _cant_parse(
        f"Can't find end of the entity starting at byte offset {_byte_offset(source, index)}"
    )
