"""Size limits of the shipped package, checked by ``make lint``.

Modules stay under 300 lines and functions under 60, so each reads top to bottom; the
STYLE guide's rule, enforced rather than hoped for.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def problems(package: Path) -> list[str]:
    """Every module and function of ``package`` over its limit."""
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{name}: {lines} lines (limit {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(
                        f"{name}:{node.lineno} {node.name}: {length} lines "
                        f"(limit {MAX_FUNCTION_LINES})"
                    )
    return found


def main() -> int:
    """Print what is over the limits; exit 1 if anything is."""
    found = problems(ROOT / "bot")
    print("\n".join(found) or "sizes ok")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
