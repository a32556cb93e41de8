"""The composition root: every long-lived object, built once per process and shared.

The CLI and the HTTP app both start here; routes receive these objects through
``bot/web/deps.py``, never from globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import redis

from bot.answering.chat import ChatService
from bot.answering.retrieval import Retriever
from bot.config import Settings
from bot.embedding import Embedder, SentenceTransformerEmbedder
from bot.errors import IndexNotReady
from bot.feedback.gaps import GapLog
from bot.feedback.ratings import (
    FeedbackStore,
    QuestionMemory,
    RecentQuestions,
    RedisRecentQuestions,
)
from bot.index.store import ChromaStore, make_client
from bot.index.versions import ActiveIndex, VersionRegistry
from bot.onnx_fused import FusedBranch, FusedEmbedder
from bot.ratelimit import RateLimiter
from bot.refresh.checks import Verifier
from bot.refresh.indexer import Indexer
from bot.refresh.job import MemoryStatusBoard, RedisStatusBoard, RefreshJob, StatusBoard
from bot.refresh.saved import SavedHashes
from bot.safety.classifier import TunedClassifier
from bot.safety.scope import ScopeClassifier
from bot.safety.triage import SafetyTriage


@dataclass
class Services:
    """Everything the CLI and the API share, built once per process.

    With ``BOT_REDIS_URL`` set, the rate limiter, the refresh status and the answer
    memory are kept in Redis and shared with every other process; Chroma (on disk or its
    own server) holds the index.
    """

    settings: Settings
    embedder: Embedder
    registry: VersionRegistry
    index: ActiveIndex
    retriever: Retriever
    chat: ChatService
    indexer: Indexer
    refresh: RefreshJob
    feedback: FeedbackStore
    gaps: GapLog
    recent: QuestionMemory
    limiter: RateLimiter
    admin_failures: RateLimiter

    @property
    def storage_problem(self) -> str | None:
        """Why the last content gap or rating could not be stored, if one could not."""
        return self.gaps.problem or self.feedback.problem

    @property
    def store(self) -> ChromaStore:
        """The active index version; :class:`IndexNotReady` before the first ingest."""
        store = self.index.current()
        if store is None:
            raise IndexNotReady("there is no knowledge index yet; run `python ingest.py`")
        return store


def load_embedder(settings: Settings) -> Embedder:
    """The bundled model on the configured backend (``BOT_EMBED_BACKEND``).

    The ONNX backends never import torch (unless their one-time export is missing). With
    the fine-tuned triage model, the fp32 ONNX backend is the first branch of the graph
    both models share (:mod:`bot.onnx_fused`), and :func:`load_triage` takes the second.
    """
    if settings.embed_backend == "torch":
        return SentenceTransformerEmbedder(
            settings.resolve_model_path(), settings.model_name(), threads=settings.embed_threads
        )
    if settings.embed_backend == "onnx" and settings.triage_model == "tuned":
        from bot.safety.finetune import ensure_tuned, fused_dir

        folder = ensure_tuned(settings)
        graph = fused_dir(settings, folder)
        if graph is not None:
            base, threads = settings.resolve_model_path(), settings.embed_threads
            return _fused(graph, base, folder, settings.model_name(), threads).first
    from bot.onnx_embedding import OnnxEmbedder

    return OnnxEmbedder(
        settings.resolve_model_path(),
        settings.onnx_cache_dir,
        settings.embed_backend,
        settings.model_name(),
        threads=settings.embed_threads,
    )


def load_triage(settings: Settings, embedder: Embedder) -> SafetyTriage:
    """Triage with the fine-tuned model (trained first if missing), or the lighter one."""
    if settings.triage_model == "logreg":
        return SafetyTriage(embedder, settings.triage_cache_dir)
    from bot.safety.finetune import ensure_tuned

    folder = ensure_tuned(settings)
    if isinstance(embedder, FusedBranch) and embedder.fused.paths[1] == str(folder):
        tuned = TunedClassifier(folder, embedder=embedder.fused.second)
    else:
        tuned = _tuned(folder, settings.embed_threads)
    return SafetyTriage(embedder, settings.triage_cache_dir, tuned)


@lru_cache(maxsize=2)
def _tuned(folder: Path, threads: int) -> TunedClassifier:
    """One ONNX session per model folder per process (tests build many services)."""
    return TunedClassifier(folder, threads)


@lru_cache(maxsize=2)
def _fused(graph: Path, base: str, folder: Path, name: str, threads: int) -> FusedEmbedder:
    """One session serving retrieval and triage, per pair of models per process."""
    return FusedEmbedder(graph, base, str(folder), (name, folder.name), threads)


def build_services(settings: Settings, embedder: Embedder | None = None) -> Services:
    """Load the model (unless given one) and open the index described by ``settings``."""
    embedder = embedder or load_embedder(settings)
    registry = VersionRegistry(
        make_client(settings), settings.collection, embedder.name, embedder.dimension
    )
    index = ActiveIndex(registry)
    retriever = Retriever(index, embedder, settings.top_k)
    triage = load_triage(settings, embedder)
    indexer = Indexer(
        registry,
        embedder,
        Verifier(embedder, triage),
        on_switch=index.invalidate,
        limits=settings.parse_limits,
        saved=None if settings.chroma_host else SavedHashes(settings.saved_hashes_path),
    )
    board, recent = shared_state(settings)
    return Services(
        settings=settings,
        embedder=embedder,
        registry=registry,
        index=index,
        retriever=retriever,
        chat=ChatService(settings, retriever, triage, ScopeClassifier(embedder)),
        indexer=indexer,
        refresh=RefreshJob(settings, board, on_switch=index.invalidate),
        feedback=FeedbackStore(settings.data_dir / "feedback.sqlite3"),
        gaps=GapLog(settings.data_dir / "gaps.sqlite3", settings.gap_retention_days, embedder),
        recent=recent,
        limiter=RateLimiter(settings.rate_limit, settings.redis_url),
        admin_failures=RateLimiter(settings.admin_failure_limit, settings.redis_url),
    )


def shared_state(settings: Settings) -> tuple[StatusBoard, QuestionMemory]:
    """The refresh status board and answer memory: in Redis if configured, else in memory."""
    if not settings.redis_url:
        return MemoryStatusBoard(), RecentQuestions()
    client = redis.Redis.from_url(settings.redis_url)
    prefix = f"clinic-bot:{settings.collection}:"
    return (
        RedisStatusBoard(client, prefix + "refresh"),
        RedisRecentQuestions(client, prefix + "answer:", settings.answer_memory_seconds),
    )
