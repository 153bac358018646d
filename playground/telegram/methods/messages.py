"""sendMessage, sendPhoto, sendDocument, sendChatAction, deleteMessage."""

from __future__ import annotations

from typing import Any

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.methods.base import Call, Handler
from playground.telegram.methods.media import resolve_file
from playground.telegram.models import Conversation, Sender
from playground.telegram.validation import Markup, check_caption, check_markup, check_text

CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})


def _reply_to(call: Call, conversation: Conversation) -> int | None:
    """reply_parameters (or the older reply_to_message_id), checked like Telegram."""
    params = call.params.get_json("reply_parameters")
    if isinstance(params, dict):
        message_id, tolerant = params.get("message_id"), bool(params.get("allow_sending_without_reply"))
    else:
        message_id = call.params.get_int("reply_to_message_id")
        tolerant = call.params.get_bool("allow_sending_without_reply")
    if message_id is None:
        return None
    message = conversation.messages.get(int(message_id))
    if message is None or message.deleted:
        if tolerant:
            return None
        raise bad_request(e.REPLY_NOT_FOUND)
    return message.message_id


def _apply_keyboard(call: Call, conversation: Conversation, markup: Markup | None) -> dict[str, Any] | None:
    """Reply keyboards are chat state (shown under the input), not message content;
    a change is a `chat.keyboard` event so a live client can redraw its input area."""
    if markup is None:
        return None
    if markup.kind in ("keyboard", "remove"):
        keyboard = markup.data if markup.kind == "keyboard" else None
        if keyboard != conversation.reply_keyboard:
            conversation.reply_keyboard = keyboard
            call.server.events.add("chat.keyboard", chat_id=conversation.chat_id,
                                   bot_id=conversation.bot_id, reply_keyboard=keyboard)
    return markup.inline


async def send_message(call: Call) -> dict[str, Any]:
    conversation = call.conversation(sending=True)
    formatted = call.formatted("text", "entities")
    if formatted is None:
        raise bad_request(e.TEXT_EMPTY)
    check_text(formatted.text, call.limits)
    markup = check_markup(call.params.get_json("reply_markup"), call.limits)
    reply_to = _reply_to(call, conversation)
    call.server.take_flood(call.bot, conversation, is_edit=False)
    message = call.server.post_message(
        conversation, Sender(call.bot.id, True),
        text=formatted.text, entities=formatted.entities,
        raw_text=call.params.get_str("text"), parse_mode=call.params.get_str("parse_mode"),
        reply_markup=_apply_keyboard(call, conversation, markup), reply_to_message_id=reply_to,
    )
    return call.message_json(message, conversation)


async def _send_media(call: Call, kind: str) -> dict[str, Any]:
    conversation = call.conversation(sending=True)
    caption = call.formatted("caption", "caption_entities")
    check_caption(caption.text if caption else None, call.limits)
    markup = check_markup(call.params.get_json("reply_markup"), call.limits)
    reply_to = _reply_to(call, conversation)
    stored = await resolve_file(call, call.params.get_str(kind), kind=kind, field=kind)
    call.server.take_flood(call.bot, conversation, is_edit=False)
    message = call.server.post_message(
        conversation, Sender(call.bot.id, True), media=stored,
        caption=caption.text if caption and caption.text else None,
        caption_entities=caption.entities if caption else [],
        raw_text=call.params.get_str("caption"), parse_mode=call.params.get_str("parse_mode"),
        reply_markup=_apply_keyboard(call, conversation, markup), reply_to_message_id=reply_to,
    )
    return call.message_json(message, conversation)


async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_media(call, "photo")


async def send_document(call: Call) -> dict[str, Any]:
    return await _send_media(call, "document")


async def send_chat_action(call: Call) -> bool:
    conversation = call.conversation(sending=True)
    action = call.params.get_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request(e.WRONG_ACTION)
    call.server.events.add("chat.action", chat_id=conversation.chat_id,
                           bot_id=conversation.bot_id, action=action)
    return True


async def delete_message(call: Call) -> bool:
    conversation = call.conversation()
    message_id = call.params.get_int("message_id", missing=e.MESSAGE_ID_MISSING)
    message = conversation.messages.get(message_id or 0)
    if message is None or message.deleted:
        raise bad_request(e.DELETE_NOT_FOUND)
    own = message.sender.is_bot and message.sender.id == call.bot.id
    if conversation.kind == "group" and not own:
        group = call.server.groups[conversation.chat_id]
        if call.bot.id not in group.bot_admin_ids:
            raise bad_request(e.CANT_DELETE)
    call.server.delete_message(conversation, message)
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendChatAction": send_chat_action,
    "deleteMessage": delete_message,
}
