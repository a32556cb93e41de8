"""The staff side: the staff page and its token-protected admin API (mounted when enabled)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel

from bot.errors import BadUpload, NotFound, SourceError, TooLarge
from bot.refresh.locks import writer_lock
from bot.services import Services
from bot.sources.articles import SUPPORTED_SUFFIXES, load_article
from bot.web.deps import AdminToken, GapsDep, RefreshDep, ServicesDep
from bot.web.site_routes import STATIC

ADMIN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class ArticleInfo(BaseModel):
    """One indexed article as staff see it."""

    source: str
    title: str
    url: str | None
    updated: str | None
    chunks: int
    content_hash: str
    in_folder: bool


class ArticleList(BaseModel):
    """The active index version and its articles."""

    version: str | None
    previous: str | None
    articles: list[ArticleInfo]
    files_not_indexed: list[str]


def _article_path(services: Services, name: str) -> Path:
    if not _NAME.match(name) or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise BadUpload(
            f"{name!r}: use a plain file name ending in {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return services.settings.knowledge_dir / name


router = APIRouter(tags=["admin"], include_in_schema=False)
# Staff routes stay out of the public schema: it is served to anyone.
api = APIRouter(
    prefix="/admin/api", tags=["admin"], dependencies=[AdminToken], include_in_schema=False
)


@router.get("/admin", include_in_schema=False)
def staff_page() -> FileResponse:
    """The staff page (it asks for the token itself)."""
    return FileResponse(
        STATIC / "admin.html",
        media_type="text/html; charset=utf-8",
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": ADMIN_CSP,
            "X-Frame-Options": "DENY",
        },
    )


@router.get("/admin.js", include_in_schema=False)
def staff_script() -> FileResponse:
    """The staff page's script."""
    return FileResponse(STATIC / "admin.js", media_type="text/javascript; charset=utf-8")


@api.get("/articles", response_model=ArticleList)
def articles(services: ServicesDep) -> ArticleList:
    """The articles in the active index version, and files not indexed yet."""
    record = services.registry.read()
    store = services.index.current()
    manifest = store.manifest() if store is not None else {}
    folder = services.settings.knowledge_dir
    files = (
        sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
        if folder.is_dir()
        else []
    )
    return ArticleList(
        version=record.version,
        previous=record.previous,
        articles=[
            ArticleInfo(
                source=r.source,
                title=r.title,
                url=r.url,
                updated=r.updated,
                chunks=r.chunks,
                content_hash=r.content_hash,
                in_folder=(folder / r.source).exists(),
            )
            for r in sorted(manifest.values(), key=lambda r: r.source)
        ],
        files_not_indexed=[f for f in files if f not in manifest],
    )


@api.put("/articles/{name}", status_code=201)
async def upload(name: str, request: Request, services: ServicesDep) -> dict[str, str]:
    """Add or replace an article file (the body is the file); refresh to publish it."""
    path = _article_path(services, name)
    limit = services.settings.admin_max_upload_bytes
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > limit:
            raise TooLarge(f"{name}: the file is over the {limit:,}-byte limit")
    # Parsing a PDF or HTML file is CPU work of unknown length: off the event loop, and
    # bounded. A thread cannot be stopped: past the timeout the request is answered and the
    # parse is abandoned (it ends on its own, its result unused).
    timeout = services.settings.admin_parse_timeout
    try:
        with anyio.fail_after(timeout):
            await anyio.to_thread.run_sync(
                _check_content, name, bytes(body), abandon_on_cancel=True
            )
    except TimeoutError:
        raise BadUpload(f"{name}: the file took over {timeout:g} s to read") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    os.replace(tmp, path)
    return {"saved": name, "next": "start a refresh to publish it"}


@api.delete("/articles/{name}")
def delete(name: str, services: ServicesDep) -> dict[str, str]:
    """Delete an article file; refresh to remove it from the bot."""
    path = _article_path(services, name)
    if not path.exists():
        raise NotFound(f"{name}: no such article file")
    path.unlink()
    return {"deleted": name, "next": "start a refresh to remove it from the bot"}


@api.post("/refresh", status_code=202)
def refresh(job: RefreshDep) -> dict[str, Any]:
    """Start a background refresh of the knowledge folder."""
    return job.start().__dict__


@api.get("/refresh")
def refresh_status(job: RefreshDep) -> dict[str, Any]:
    """The refresh's state and progress."""
    return dict(job.status.__dict__)


@api.post("/rollback")
def rollback(services: ServicesDep) -> dict[str, str | None]:
    """Serve the previous index version again."""
    with writer_lock(services.settings):
        record = services.indexer.rollback()
    return {"version": record.version, "previous": record.previous}


@api.get("/gaps")
def gaps(
    log: GapsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Unanswered, off-topic and thumbs-down questions, grouped by meaning, a page at a time
    (largest groups first)."""
    return [g.__dict__ for g in log.groups(limit, offset)]


def _check_content(name: str, body: bytes) -> None:
    if not body.strip():
        raise BadUpload(f"{name}: the file is empty")
    is_pdf = name.lower().endswith(".pdf")
    if is_pdf != body.startswith(b"%PDF-"):
        raise BadUpload(f"{name}: the content does not match the file type")
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / name
        probe.write_bytes(body)
        try:
            load_article(probe, Path(tmp))
        except SourceError as exc:
            raise BadUpload(exc.message) from exc
        except Exception as exc:
            # Parsers (pypdf, lxml, trafilatura) raise their own errors on hostile files:
            # whatever they raise, the upload is refused, never a 500.
            raise BadUpload(f"{name}: the file could not be read ({type(exc).__name__})") from exc
