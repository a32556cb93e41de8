"""The website side: the embeddable widget script and the demo clinic page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent / "static"

# The demo page loads only its own script and styles, and talks only to this server.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


router = APIRouter(include_in_schema=False)


@router.get("/widget.js")
def widget() -> FileResponse:
    """The widget: one script tag on any page of the clinic's site."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/demo.css")
def demo_css() -> FileResponse:
    """Styles of the demo clinic page."""
    return FileResponse(STATIC / "demo.css", media_type="text/css; charset=utf-8")


@router.get("/")
def demo() -> FileResponse:
    """A demo clinic page with the widget embedded."""
    return FileResponse(
        STATIC / "demo.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": DEMO_CSP, "X-Frame-Options": "DENY"},
    )
