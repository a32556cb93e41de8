"""Medicine names in visitors' messages, from a maintained drug dictionary.

``drug-named-entity-recognition`` resolves brand and generic names (Eliquis -> apixaban)
from a dictionary built from public drug databases, so a question about "my eliquis" is
recognised as a medication question without a hand-written list.

Importing that package holds its whole dictionary (structures, formulas, synonyms and a
character n-gram index for fuzzy matching) in memory: about 350 MB, most of a server's
footprint. The bot only ever asks it for exact names, so it keeps a compact table instead:
every lowercase name one or two of our words can spell -> the generic names it stands for.
The table is written once per package version, by a separate process (so the server never
holds the full dictionary, not even briefly), into the models cache, and read from there.
:func:`drug_names` gives exactly what the package's ``find_drugs`` gives for the same words.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,40}")
# The only names find_drugs can match on our words: one word, or two joined by a space.
_MATCHABLE = re.compile(r"[a-z][a-z0-9-]{1,40}( [a-z][a-z0-9-]{1,40})?")
_PACKAGE = "drug-named-entity-recognition"
_FORMAT = 1  # bump when the table's layout or its meaning changes

Table = Mapping[str, tuple[str, ...]]

_ROOT = str(Path(__file__).resolve().parents[2])  # where the ``bot`` package is
_lock = threading.Lock()
log = logging.getLogger(__name__)
_state: dict[str, object] = {}


def table_path(folder: Path) -> Path:
    """Where the table for the installed package version lives in ``folder``."""
    return folder / f"drug-names-v{_FORMAT}-{version(_PACKAGE)}.json"


def use_folder(folder: Path | None) -> None:
    """Keep (and look for) the table in ``folder``; None: the settings' models cache."""
    with _lock:
        if _state.get("folder") != folder:
            _state.clear()
            _state["folder"] = folder


def warm_up(folder: Path | None = None) -> None:
    """Load (building if needed) the table in a background thread, so no question waits."""
    if folder is not None:
        use_folder(folder)
    threading.Thread(target=_table, name="drug-dictionary", daemon=True).start()


def drug_names(text: str) -> list[str]:
    """Generic names of the medicines ``text`` mentions, in order, without repeats.

    The same matching as ``find_drugs(words, is_ignore_case=True)``: word pairs first (a
    pair that names a drug claims both words), then the single words left.
    """
    words = _WORD.findall(text)
    if not words:
        return []
    table = _table()
    names: list[str] = []
    claimed: set[int] = set()
    for i in range(len(words) - 1):
        found = table.get(f"{words[i]} {words[i + 1]}".lower())
        if found:
            names.extend(found)
            claimed.update((i, i + 1))
    for i, word in enumerate(words):
        if i not in claimed:
            names.extend(table.get(word.lower(), ()))
    return list(dict.fromkeys(n for n in names if n))


def mark_medicines(text: str, marker: str) -> str:
    """``text`` (lower case) with ``marker`` after every word that names a medicine, so that
    patterns can read "saving up my gabapentin" as they read "saving up my pills"."""
    table = _table()
    return re.sub(
        r"[a-z][a-z0-9-]*",
        lambda w: f"{w.group(0)} {marker}" if table.get(w.group(0)) else w.group(0),
        text,
    )


def _table() -> Table:
    with _lock:
        table = _state.get("table")
        if table is None:
            folder = _state.get("folder")
            names = _names(table_path(folder if isinstance(folder, Path) else _default_folder()))
            # One string object per generic name, shared by all its brand names.
            shared: dict[str, str] = {}
            table = {
                variant: tuple(shared.setdefault(n, n) for n in found)
                for variant, found in names.items()
            }
            _state["table"] = table
    return table  # type: ignore[return-value]


def _names(path: Path) -> dict[str, list[str]]:
    """The table's contents: from its file, written first if missing."""
    try:
        if not path.exists():
            _build_elsewhere(path)
        names: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))["names"]
        return names
    except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as exc:
        # A read-only or damaged cache must not cost the medication check: read the
        # package here instead (the old way: correct, only heavier).
        log.warning("drug-name table unavailable at %s (%s); reading the package", path, exc)
        return _extract()


def _default_folder() -> Path:
    from bot.config import Settings

    return Settings().triage_cache_dir


def _build_elsewhere(path: Path) -> None:
    """Write the table from a child process: the full dictionary never enters this one."""
    paths = os.pathsep.join([_ROOT, os.environ.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-m", "bot.safety.drugs", str(path.parent)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": paths},
    )


def build(folder: Path) -> Path:
    """Write the compact table of the installed dictionary into ``folder`` (atomically)."""
    from filelock import FileLock

    folder.mkdir(parents=True, exist_ok=True)
    target = table_path(folder)
    with FileLock(str(folder / "drug-names.lock")):
        if target.exists():
            return target
        partial = target.with_suffix(".partial")
        partial.write_text(json.dumps({"package": version(_PACKAGE), "names": _extract()}))
        partial.replace(target)
    return target


def _extract() -> dict[str, list[str]]:
    """Every matchable name -> the ``name`` fields find_drugs would report for it."""
    from drug_named_entity_recognition import drugs_finder as finder

    out: dict[str, list[str]] = {}
    for variant, canonicals in finder.drug_variant_to_canonical.items():
        if not canonicals or not _MATCHABLE.fullmatch(variant):
            continue
        extra = finder.drug_variant_to_variant_data.get(variant, {})
        out[variant] = [
            str((dict(finder.drug_canonical_to_data.get(c, {})) | extra).get("name", ""))
            for c in canonicals
        ]
    return out


if __name__ == "__main__":
    # ``python -m bot.safety.drugs [FOLDER]``: build the table (``make install`` runs this).
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else _default_folder()))
