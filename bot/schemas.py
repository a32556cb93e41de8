"""The chat API's request and reply shapes (they become the OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

ReplyType = Literal[
    "answer", "no_answer", "out_of_scope", "emergency", "urgent", "crisis", "booking", "greeting"
]

MAX_MESSAGE_CHARS = 2000
MAX_HISTORY_TURNS = 20
MAX_TURN_CHARS = 4000


def _valid_unicode(value: str) -> str:
    """Refuse lone UTF-16 surrogates (``"\\ud800"`` in JSON): no UTF-8 text can hold them,
    so storing, embedding or echoing them would fail later, as a 500."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text contains an invalid character (a lone surrogate)") from None
    return value


Text = Annotated[str, AfterValidator(_valid_unicode)]


class ErrorBody(BaseModel):
    """Every error the API returns: one sentence for people."""

    error: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The body is not valid JSON."),
    404: _error("No such resource (or no recent answer with this id)."),
    413: _error("The request body is over the size limit."),
    422: _error("A field is missing, of the wrong type, empty or too long."),
    429: _error("Too many requests from this address; see Retry-After."),
}


class Turn(BaseModel):
    """One earlier message of the conversation, kept by the client."""

    role: Literal["user", "assistant"]
    content: Text = Field(max_length=MAX_TURN_CHARS)


class ChatRequest(BaseModel):
    """A visitor's message with the recent turns the widget remembers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"message": "How does acupuncture help back pain?", "history": []}]
        }
    )

    message: Text = Field(
        description="The visitor's question, 1 to 2,000 characters, not only whitespace.",
        json_schema_extra={"minLength": 1, "maxLength": MAX_MESSAGE_CHARS, "pattern": r"\S"},
    )
    history: list[Turn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="Recent turns, oldest first; the server keeps no conversation state.",
    )
    session_id: Text | None = Field(None, max_length=128)

    @field_validator("message")
    @classmethod
    def _message_text(cls, value: str) -> str:
        # The length is checked before stripping, as the schema's maxLength says.
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(
                f"the message is {len(value)} characters long; the limit is {MAX_MESSAGE_CHARS}"
            )
        value = value.strip()
        if not value:
            raise ValueError("the message is empty; please type a question")
        return value


class Source(BaseModel):
    """An article an answer was taken from."""

    title: str
    url: str | None
    source: str = Field(description="The article's file path relative to the ingested folder.")


class Booking(BaseModel):
    """How to book an appointment with the clinic."""

    url: str
    phone: str | None
    label: str


class ChatReply(BaseModel):
    """The bot's reply; every type carries the disclaimer and the booking referral."""

    type: ReplyType
    answer: str
    sources: list[Source] = Field(default_factory=list)
    disclaimer: str
    booking: Booking
    session_id: str | None = None


class Health(BaseModel):
    """Readiness of the model and the index."""

    status: Literal["ok"]
    articles: int
    chunks: int
    model: str
    storage: Literal["ok", "degraded"] = Field(
        description="degraded: content gaps or ratings are not being stored (replies go on)."
    )
    storage_problem: str | None = Field(None, description="Why storage is degraded.")


class FeedbackRequest(BaseModel):
    """A visitor's rating of one answer."""

    answer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    rating: Literal["up", "down"]
    comment: Text | None = Field(None, max_length=1000)


class WidgetConfig(BaseModel):
    """What the website widget needs before the first question."""

    clinic_name: str
    greeting: str
    disclaimer: str
    booking: Booking
    emergency_number: str
    suggestions: list[str]
    max_message_chars: int = Field(description="Longest message the chat API accepts.")
    max_history_turns: int = Field(description="Most history turns the chat API accepts.")
