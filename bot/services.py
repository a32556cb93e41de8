"""Building the long-lived objects once: the model, the store and the services over them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat import ChatService
from bot.config import Settings
from bot.embedding import Embedder, SentenceTransformerEmbedder
from bot.ingestion import Indexer
from bot.retrieval import Retriever
from bot.safety import SafetyTriage
from bot.scope import ScopeClassifier
from bot.store import ChromaStore, make_client


@dataclass
class Services:
    """Everything the CLI and the API share, built once per process."""

    settings: Settings
    embedder: Embedder
    store: ChromaStore
    retriever: Retriever
    chat: ChatService
    indexer: Indexer


def build_services(settings: Settings, embedder: Embedder | None = None) -> Services:
    """Load the model (unless given one) and open the index described by ``settings``."""
    embedder = embedder or SentenceTransformerEmbedder(
        settings.resolve_model_path(), settings.model_name()
    )
    store = ChromaStore(
        make_client(settings), settings.collection, embedder.name, embedder.dimension
    )
    retriever = Retriever(store, embedder, settings.top_k)
    return Services(
        settings=settings,
        embedder=embedder,
        store=store,
        retriever=retriever,
        chat=ChatService(settings, retriever, SafetyTriage(embedder), ScopeClassifier(embedder)),
        indexer=Indexer(store, embedder),
    )
