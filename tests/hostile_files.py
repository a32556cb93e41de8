"""Small crafted files that cost a careless parser minutes or gigabytes (shared by tests)."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter


def many_pages_pdf(pages: int = 14_000) -> bytes:
    """A valid PDF of blank pages: about 1.8 MB for 14,000 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def deflate_bomb_pdf() -> bytes:
    """A one-page PDF of about 77 KB whose content stream inflates to 80 MB.

    That is over pypdf's 75 MB FlateDecode cap, so pypdf raises its LimitReachedError.
    """
    stream = zlib.compress(b" " * 80_000_000, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        # A font, or pypdf sees no text to extract and never inflates the stream.
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def alias_bomb_markdown(levels: int = 9) -> str:
    """Markdown whose front matter title is a "billion laughs" YAML alias bomb.

    Nine levels of nine aliases would be 387 million strings once the title is read.
    """
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"title: *a{levels}")
    return "---\n" + "\n".join(lines) + "\n---\n# Laughs\n\nSome text.\n"
