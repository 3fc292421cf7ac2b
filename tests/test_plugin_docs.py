"""Every hook is documented in docs/plugins.md (generated, never stale) and used by a test."""

from __future__ import annotations

import re

import pytest

from hub.hookdocs import hookspec_functions, with_reference
from tests.first_party import ROOT

GUIDE = ROOT / "docs" / "plugins.md"


def test_hook_reference_is_up_to_date() -> None:
    current = GUIDE.read_text(encoding="utf-8")
    assert with_reference(current) == current, "docs/plugins.md is stale: run `hub plugin docs`"


@pytest.mark.parametrize("hook", [name for name, _ in hookspec_functions()])
def test_every_hook_is_documented(hook: str) -> None:
    assert f"### `{hook}(" in GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", [name for name, _ in hookspec_functions()])
def test_every_hook_has_a_test(hook: str) -> None:
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").glob("test_*.py")
        if path.name != "test_plugin_docs.py"
    )
    assert re.search(rf"\b{hook}\b", sources), f"no test implements or calls the hook {hook}"
