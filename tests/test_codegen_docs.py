"""The one-line summaries codegen takes from Marketo's documentation pages, and where it looks for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import docs
from codegen.docs import DocsError, first_sentence, locate_docs

PAGE = """---
title: getThing
description: Not this line.
---
# getThing

This function returns [things](things.md) with `thingKey` and **bold** words, e.g. a lamp. More text.

## Request
"""


def test_first_sentence_after_the_title_in_plain_text() -> None:
    assert first_sentence(PAGE) == (
        "This function returns things with ``thingKey`` and bold words, e.g. a lamp."
    )


def test_a_sentence_introducing_a_list_takes_its_items() -> None:
    page = "# getThing\n\nThis function retrieves:\n\n- Statuses\n- Step numbers.\n\nMore.\n"
    assert first_sentence(page) == "This function retrieves: Statuses; Step numbers."


def test_a_page_without_a_paragraph_has_no_summary() -> None:
    assert first_sentence("# getThing\n\n## Request\n") is None


def test_text_that_would_break_a_docstring_is_escaped() -> None:
    assert first_sentence('# x\n\nA \\ backslash and """ quotes.\n') == "A \\\\ backslash and ''' quotes."


def test_pages_are_found_by_operation_name_and_a_missing_page_has_no_summary(tmp_path: Path) -> None:
    (tmp_path / "getthing.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "COMMIT").write_text("abc123\n", encoding="utf-8")
    pages = locate_docs(tmp_path)
    assert pages.commit == "abc123"
    assert pages.summary("getThing") is not None
    assert pages.summary("getOther") is None


def test_the_env_folder_comes_before_shared_and_absence_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs, "SHARED_DOCS_DIR", tmp_path / "shared-absent")
    monkeypatch.setenv(docs.DOCS_DIR_ENV, str(tmp_path))
    assert locate_docs().folder == tmp_path
    assert locate_docs().commit is None
    monkeypatch.setenv(docs.DOCS_DIR_ENV, str(tmp_path / "absent"))
    with pytest.raises(DocsError, match="MKTOWS_DOCS_DIR"):
        locate_docs()
