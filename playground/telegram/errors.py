"""Bot API errors as Telegram words them.

Texts marked "seen" are what the real Bot API returns (reported by bot authors);
the others are our best guess for a case Telegram answers with a similar text.
docs/playground.md lists all of them.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed Bot API call: becomes {"ok": false, "error_code", "description"}."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"

# 400 Bad Request reasons (seen).
CHAT_NOT_FOUND = "chat not found"
USER_NOT_FOUND = "user not found"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
MARKUP_TOO_LONG = "reply markup is too long"
TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "message to edit not found"
CANT_EDIT = "message can't be edited"
DELETE_NOT_FOUND = "message to delete not found"
CANT_DELETE = "message can't be deleted"
REPLY_NOT_FOUND = "message to be replied not found"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WRONG_FILE = "wrong file identifier/HTTP URL specified"
URL_CONTENT = "failed to get HTTP URL content"
FILE_TOO_BIG = "file is too big"
IMAGE_PROCESS_FAILED = "IMAGE_PROCESS_FAILED"
PHOTO_INVALID_DIMENSIONS = "PHOTO_INVALID_DIMENSIONS"
FILE_TYPE_MISMATCH = "type of file mismatch"
CHAT_ID_EMPTY = "chat_id is empty"
NO_ADMINS_IN_PRIVATE = "there are no administrators in the private chat"

# 400 Bad Request reasons (our guess at Telegram's wording).
ROW_TOO_LONG = "too many inline keyboard buttons in a row"
BUTTON_URL_INVALID = "BUTTON_URL_INVALID"
BUTTON_WITHOUT_ACTION = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)
BUTTON_TEXT_MISSING = "can't parse inline keyboard button: Field \"text\" must be of type String"
MARKUP_UNPARSABLE = "can't parse reply keyboard markup JSON object"
INLINE_KEYBOARD_EXPECTED = "inline keyboard expected"
CALLBACK_ANSWER_TOO_LONG = "MESSAGE_TOO_LONG"
MESSAGE_ID_MISSING = "message identifier is not specified"
NO_TEXT_TO_EDIT = "there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "there is no caption in the message to edit"
WRONG_ACTION = "wrong parameter action in request"
UNSUPPORTED_PARSE_MODE = "unsupported parse_mode"
COMMAND_INVALID = "BOT_COMMAND_INVALID"
COMMAND_DESCRIPTION_INVALID = "BOT_COMMAND_DESCRIPTION_INVALID"
COMMANDS_TOO_MUCH = "BOT_COMMANDS_TOO_MUCH"
SCOPE_NOT_AN_OBJECT = "can't parse BotCommandScope JSON object"
SCOPE_UNREADABLE = "can't parse BotCommandScope"  # + ": " and what it could not read
SCOPE_IN_PRIVATE_CHAT = "can't use specified scope in private chats"
LANGUAGE_CODE_INVALID = "invalid language code specified"
WEBHOOK_BAD_URL = "bad webhook: An HTTP or HTTPS URL must be provided for webhook"
WEBHOOK_BAD_SECRET = "bad webhook: secret token contains unallowed characters"
WEBHOOK_BAD_MAX_CONNECTIONS = "bad webhook: max_connections must be between 1 and 100"
MEDIA_UNPARSABLE = "can't parse InputMedia JSON object"
MEDIA_TYPE_UNSUPPORTED = "unsupported media type in editMessageMedia"
INLINE_MESSAGES_UNSUPPORTED = "inline messages are not supported by the playground"

# 403 Forbidden reasons (seen).
NOT_STARTED = "bot can't initiate conversation with a user"
BLOCKED = "bot was blocked by the user"
NOT_A_MEMBER = "bot is not a member of the {kind} chat"
BOT_TO_BOT = "bots can't send messages to bots"

# 409 Conflict (seen).
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_OTHER_POLLER = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
