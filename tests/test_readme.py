"""The README documents every core setting and the two commands a newcomer needs."""

from hub.settings import CORE_SETTINGS
from tests.first_party import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_core_setting_is_in_the_configuration_table() -> None:
    missing = [setting.name for setting in CORE_SETTINGS if f"`{setting.name}`" not in README]
    assert missing == []


def test_the_readme_starts_with_the_two_commands() -> None:
    head = README[:600]
    assert "make run" in head
    assert "make test" in head
