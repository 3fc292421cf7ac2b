"""``hub donations export``: CSV straight from the database, with no server running."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hub_donations.models import Campaign, Donation
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.testing import hub_cli


async def add_donations() -> None:
    peace = await Campaign.create(slug="peace", title="Peace", goal=1000, currency="EUR")
    yen = await Campaign.create(slug="yen", title="Yen", goal=1000, currency="JPY")
    await Donation.create(
        campaign=peace, amount=1050, refunded_amount=50, currency="EUR", provider="offline",
        provider_reference="PLEDGE-1", donor_name="Ada, \"the\" donor",
        donor_email="ada@example.org", donor_key="ada@example.org", message="línea\nnueva",
    )  # fmt: skip
    await Donation.create(
        campaign=yen, amount=1050, currency="JPY", provider="stripe",
        provider_reference="pi_1", donor_key="donation:pi_1", anonymous=True,
    )  # fmt: skip


def test_export_writes_every_donation_with_exact_amounts(tmp_path: Path) -> None:
    EXECUTOR_CACHE.clear()
    hub = hub_cli(["donations"], tmp_path)
    hub.run_in_database(add_donations)
    output = tmp_path / "donations.csv"
    result = hub.invoke("donations", "export", "--output", str(output))
    assert result.exit_code == 0, result.output
    assert "Exported 2 donation(s)" in result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert [(r["reference"], r["amount"], r["refunded"], r["currency"]) for r in rows] == [
        ("PLEDGE-1", "10.50", "0.50", "EUR"),
        ("pi_1", "1050", "0", "JPY"),
    ]
    assert rows[0]["donor_name"] == 'Ada, "the" donor'
    assert rows[0]["message"] == "línea\nnueva"
    assert rows[1]["anonymous"] == "yes"
    only_yen = hub.invoke("donations", "export", "--campaign", "yen")
    assert only_yen.exit_code == 0
    assert "pi_1" in only_yen.stdout
    assert "PLEDGE-1" not in only_yen.stdout
    unknown = hub.invoke("donations", "export", "--campaign", "nope")
    assert unknown.exit_code == 1
    assert "no campaign has the slug 'nope'" in unknown.output
