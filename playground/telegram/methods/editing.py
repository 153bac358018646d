"""editMessageText, editMessageCaption, editMessageReplyMarkup, editMessageMedia.

As on Telegram, an edit without reply_markup removes the inline keyboard, and an
edit that changes nothing is refused with "message is not modified".
"""

from __future__ import annotations

from typing import Any

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.formatting import format_text
from playground.telegram.methods.base import Call, Handler
from playground.telegram.methods.media import resolve_file
from playground.telegram.validation import check_caption, check_markup, check_text


def _new_markup(call: Call) -> dict[str, Any] | None:
    markup = check_markup(call.params.get_json("reply_markup"), call.limits, inline_only=True)
    return markup.inline if markup else None


async def edit_message_text(call: Call) -> dict[str, Any]:
    conversation = call.conversation()
    message = call.own_message(conversation)
    if message.text is None:
        raise bad_request(e.NO_TEXT_TO_EDIT)
    formatted = call.formatted("text", "entities")
    if formatted is None:
        raise bad_request(e.TEXT_EMPTY)
    check_text(formatted.text, call.limits)
    markup = _new_markup(call)
    if (formatted.text, formatted.entities, markup) == \
            (message.text, message.entities, message.reply_markup):
        raise bad_request(e.NOT_MODIFIED)
    call.server.take_flood(call.bot, conversation, is_edit=True)
    call.server.edit_message(
        conversation, message, text=formatted.text, entities=formatted.entities,
        raw_text=call.params.get_str("text"), parse_mode=call.params.get_str("parse_mode"),
        reply_markup=markup,
    )
    return call.message_json(message, conversation)


async def edit_message_caption(call: Call) -> dict[str, Any]:
    conversation = call.conversation()
    message = call.own_message(conversation)
    if message.media is None:
        raise bad_request(e.NO_CAPTION_TO_EDIT)
    caption = call.formatted("caption", "caption_entities")
    text = caption.text if caption and caption.text else None
    entities = caption.entities if caption else []
    check_caption(text, call.limits)
    markup = _new_markup(call)
    if (text, entities, markup) == (message.caption, message.caption_entities, message.reply_markup):
        raise bad_request(e.NOT_MODIFIED)
    call.server.take_flood(call.bot, conversation, is_edit=True)
    call.server.edit_message(
        conversation, message, caption=text, caption_entities=entities,
        raw_text=call.params.get_str("caption"), parse_mode=call.params.get_str("parse_mode"),
        reply_markup=markup,
    )
    return call.message_json(message, conversation)


async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    conversation = call.conversation()
    message = call.own_message(conversation)
    markup = _new_markup(call)
    if markup == message.reply_markup:
        raise bad_request(e.NOT_MODIFIED)
    call.server.take_flood(call.bot, conversation, is_edit=True)
    call.server.edit_message(conversation, message, reply_markup=markup)
    return call.message_json(message, conversation)


async def edit_message_media(call: Call) -> dict[str, Any]:
    conversation = call.conversation()
    message = call.own_message(conversation)
    # Bot API 7.x+: editMessageMedia may also add media to a text message, whose
    # text is then replaced by the caption.
    media = call.params.get_json("media")
    if not isinstance(media, dict) or not isinstance(media.get("media"), str):
        raise bad_request(e.MEDIA_UNPARSABLE)
    kind = media.get("type")
    if kind not in ("photo", "document"):
        raise bad_request(e.MEDIA_TYPE_UNSUPPORTED)
    raw_caption = media.get("caption")
    caption = format_text(raw_caption, media.get("parse_mode"), media.get("caption_entities")) \
        if isinstance(raw_caption, str) else None
    text = caption.text if caption and caption.text else None
    check_caption(text, call.limits)
    markup = _new_markup(call)
    stored = await resolve_file(call, media["media"], kind=kind, field="media")
    entities = caption.entities if caption else []
    if message.media is not None and (stored.file_id, text, entities, markup) == (
            message.media.file_id, message.caption, message.caption_entities,
            message.reply_markup):
        raise bad_request(e.NOT_MODIFIED)
    call.server.take_flood(call.bot, conversation, is_edit=True)
    extra = {"text": None, "entities": []} if message.media is None else {}
    call.server.edit_message(
        conversation, message, **extra, media=stored, caption=text, caption_entities=entities,
        raw_text=raw_caption if isinstance(raw_caption, str) else None,
        parse_mode=media.get("parse_mode"), reply_markup=markup,
    )
    return call.message_json(message, conversation)


HANDLERS: dict[str, Handler] = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "editMessageMedia": edit_message_media,
}
