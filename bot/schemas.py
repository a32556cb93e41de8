"""The chat API's request and reply shapes (they become the OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ReplyType = Literal[
    "answer", "no_answer", "out_of_scope", "emergency", "urgent", "crisis", "booking", "greeting"
]

MAX_MESSAGE_CHARS = 2000
MAX_HISTORY_TURNS = 20
MAX_TURN_CHARS = 4000


class Turn(BaseModel):
    """One earlier message of the conversation, kept by the client."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class ChatRequest(BaseModel):
    """A visitor's message with the recent turns the widget remembers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"message": "How does acupuncture help back pain?", "history": []}]
        }
    )

    message: str = Field(description="The visitor's question, 1 to 2,000 characters.")
    history: list[Turn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="Recent turns, oldest first; the server keeps no conversation state.",
    )
    session_id: str | None = Field(None, max_length=128)

    @field_validator("message")
    @classmethod
    def _message_text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the message is empty; please type a question")
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(
                f"the message is {len(value)} characters long; the limit is {MAX_MESSAGE_CHARS}"
            )
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


class FeedbackRequest(BaseModel):
    """A visitor's rating of one answer."""

    answer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=1000)


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
