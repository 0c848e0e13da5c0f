"""Marketo's documentation pages as a codegen input: where they are and each operation's one-line summary.

The pages (``<operation in lower case>.md``, Marketo's markdown as last published) give the docstrings of the
generated operation layer. They are an input like the WSDL: found through ``--docs PATH``, then
``$MKTOWS_DOCS_DIR``, then ``../shared/marketo-docs/source/en``, and required, so that the same inputs always
give the same tree. An operation without a page gets a docstring saying so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from codegen.lock import REPO_ROOT

DOCS_DIR_ENV = "MKTOWS_DOCS_DIR"
SHARED_DOCS_DIR = REPO_ROOT.parent / "shared" / "marketo-docs" / "source" / "en"
COMMIT_FILE = "COMMIT"


class DocsError(Exception):
    """The documentation pages cannot be found."""


@dataclass(frozen=True)
class DocPages:
    """A folder of Marketo's documentation pages and the commit it was taken from (None when not recorded)."""

    folder: Path
    commit: str | None

    def page(self, operation: str) -> str:
        """The file name of ``operation``'s page: ``syncCustomObjects`` -> ``synccustomobjects.md``."""
        return f"{operation.lower()}.md"

    def summary(self, operation: str) -> str | None:
        """The first sentence of ``operation``'s page as plain text, or None when it has no page."""
        path = self.folder / self.page(operation)
        if not path.is_file():
            return None
        return first_sentence(path.read_text(encoding="utf-8"))


def locate_docs(explicit: Path | None = None) -> DocPages:
    """The documentation folder: ``explicit``, else ``$MKTOWS_DOCS_DIR``, else ``../shared``'s copy."""
    if explicit is not None:
        candidates = [explicit]
    else:
        env = os.environ.get(DOCS_DIR_ENV)
        candidates = [*([Path(env)] if env else []), SHARED_DOCS_DIR]
    for folder in candidates:
        if folder.is_dir():
            commit_file = folder / COMMIT_FILE
            commit = commit_file.read_text(encoding="utf-8").strip() if commit_file.is_file() else None
            return DocPages(folder, commit or None)
    where = ", ".join(str(p) for p in candidates)
    raise DocsError(
        f"Marketo's documentation pages (the docstrings of the operation layer) not found (looked in: {where}); "
        f"pass --docs PATH or set ${DOCS_DIR_ENV}"
    )


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1")
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?](?=\s|$)")
_BULLET = re.compile(r"^\s*(?:[-*]|\d+\.)\s+(.*)$")


def _plain(text: str) -> str:
    """Markdown inline markup to docstring text: links keep their words, code becomes ````code````."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _CODE.sub(r"``\1``", text)
    return " ".join(text.split())


def first_sentence(page: str) -> str | None:
    """The first sentence of the first paragraph after the page's title, as plain text.

    A sentence that introduces a list (ends with a colon) takes the list's items with it, so that the summary
    does not stop at "the following information:".
    """
    lines = _FRONT_MATTER.sub("", page.replace("\r\n", "\n"), count=1).split("\n")
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    paragraph: list[str] = []
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and lines[index].strip() and not lines[index].startswith("#"):
        paragraph.append(lines[index])
        index += 1
    if not paragraph:
        return None
    text = _plain(" ".join(paragraph))
    end = _SENTENCE_END.search(text)
    sentence = text[: end.end()] if end else text
    if sentence.endswith(":"):
        while index < len(lines) and not lines[index].strip():
            index += 1
        items = []
        while index < len(lines) and (bullet := _BULLET.match(lines[index])):
            items.append(_plain(bullet.group(1)).rstrip("."))
            index += 1
        if items:
            sentence = f"{sentence} {'; '.join(items)}."
    return sentence.replace("\\", "\\\\").replace('"""', "'''")
