"""Every hook is documented in docs/plugins.md (generated, never stale) and used by a test."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_every_public_name_is_in_the_api_reference() -> None:
    import hub

    guide = GUIDE.read_text(encoding="utf-8")
    for name in hub.__all__:
        assert f"| `hub.{name}` |" in guide, name


def test_the_hooks_plugins_publish_are_in_the_reference() -> None:
    from hub.hookdocs import published_hookspecs
    from hub.plugins import get_plugin_manager

    published = {
        function.__name__
        for _, _, functions in published_hookspecs(get_plugin_manager())
        for function in functions
    }
    assert {"register_scopes", "purge_cache", "register_oembed_resources"} <= published
    assert {"register_payment_providers", "register_searchable_types"} <= published
    guide = GUIDE.read_text(encoding="utf-8")
    for hook in published:
        assert f"#### `{hook}(" in guide


def test_the_guides_snippets_are_what_the_scaffold_writes(tmp_path: Path) -> None:
    """Each Python block of the guide that shows scaffold code appears verbatim in it."""
    from hub.scaffold import write_plugin

    package = write_plugin("greetings", tmp_path)
    written = "\n".join(path.read_text(encoding="utf-8") for path in sorted(package.rglob("*.py")))
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    scaffold_blocks = [
        block for block in blocks if "greetings-report" in block or "GreetingsItem" in block
    ]
    assert len(scaffold_blocks) == 2
    for block in scaffold_blocks:
        # From the first line that is scaffold code (the blocks open with context lines).
        start = (
            block.index("@hookimpl\ndef register_commands")
            if "def register_commands" in (block)
            else block.index("# The installed plugin")
        )
        assert block[start:].strip() in written
