"""The donations plugin, loaded the way a third party's is: through the public hooks only."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import hub_donations.plugin
import pytest
from hub_donations.currency import UnknownCurrency, exponent, format_amount
from hub_donations.demo import DEMO_CAMPAIGN_SLUG, DEMO_POST_SLUG, load_demo_campaign
from hub_donations.models import (
    Campaign,
    CampaignPost,
    CampaignSection,
    CampaignStatus,
    CampaignTotals,
    Donation,
    DonationStatus,
    ProcessedEvent,
    donor_key,
)
from hub_donations.settings import (
    MAX_AMOUNT,
    STRIPE_API_BASE,
    STRIPE_API_KEY,
    STRIPE_WEBHOOK_SECRET,
)
from hub_donations.state import DonationFacts, EventKind
from hub_donations.stripe import SignatureError, stripe_signature, verify_stripe_signature

from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.live_server import HOST, free_port
from tests.test_donations_support import (
    API_KEY,
    WEBHOOK_SECRET,
    failed,
    fake_stripe,
    refunded,
    signed_headers,
    succeeded,
    test_actors,
)

WEBHOOK = "/donations/webhooks/stripe"
PRIVATE = {"x-test-scopes": "donations:read-private"}


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_donations.plugin, test_actors]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={
            STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
            STRIPE_API_KEY: API_KEY,
            # Nothing listens here unless a test starts the Stripe double and says so.
            STRIPE_API_BASE: f"http://{HOST}:{free_port()}",
            MAX_AMOUNT: 10_000,
        },
    )


async def make_campaign(slug: str = "peace", **fields: Any) -> Campaign:
    values: dict[str, Any] = {
        "title": slug.title(),
        "goal": 100_000,
        "currency": "EUR",
        "status": CampaignStatus.ACTIVE,
    }
    return await Campaign.create(slug=slug, **{**values, **fields})


async def make_donation(campaign: Campaign, reference: str, amount: int, **fields: Any) -> Donation:
    values: dict[str, Any] = {
        "currency": campaign.currency,
        "provider": "stripe",
        "donor_key": donor_key(fields.get("donor_email", ""), reference),
    }
    return await Donation.create(
        campaign=campaign, provider_reference=reference, amount=amount, **{**values, **fields}
    )


async def deliver(client: httpx.AsyncClient, payload: bytes, **headers: Any) -> httpx.Response:
    return await client.post(WEBHOOK, content=payload, headers=signed_headers(payload, **headers))


async def totals(slug: str = "peace") -> tuple[int, int]:
    row = await CampaignTotals.get(campaign__slug=slug).values("raised", "donation_count")
    return row["raised"], row["donation_count"]


CAMPAIGN_QUERY = """
query($slug: String!) {
  campaign(slug: $slug) {
    slug currency isOpen percent donationCount donorCount
    goal { amount formatted decimal }
    raised { amount currency formatted }
    recentDonations { displayName message amount { amount } }
  }
}
"""

# --- money ------------------------------------------------------------------------------------


def test_minor_units_follow_iso_4217() -> None:
    assert (exponent("JPY"), exponent("EUR"), exponent("KWD"), exponent("CLF")) == (0, 2, 3, 4)
    with pytest.raises(UnknownCurrency, match="no minor unit"):
        exponent("XAU")
    with pytest.raises(UnknownCurrency, match="not an ISO 4217 currency"):
        exponent("EURO")


def test_amounts_are_written_with_the_currencys_own_decimals() -> None:
    assert format_amount(1050, "EUR") == "€10.50"
    assert format_amount(1050, "JPY") == "¥1,050"
    assert format_amount(1250, "KWD") == "KWD1.250"
    assert format_amount(123456, "CHF", "de_CH") == "CHF\xa01'234.56"


# --- the state machine ------------------------------------------------------------------------

EVENTS: list[tuple[EventKind, int | None]] = [
    (EventKind.FAILED, None),
    (EventKind.SUCCEEDED, None),
    (EventKind.REFUNDED, 300),
    (EventKind.REFUNDED, 1000),
]


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_every_order_of_the_same_events_ends_in_the_same_state(count: int) -> None:
    for chosen in itertools.combinations(EVENTS, count):
        finals = set()
        for order in itertools.permutations(chosen):
            facts = DonationFacts(amount=1000)
            for kind, amount in order:
                facts = facts.apply(kind, amount).apply(kind, amount)  # each delivered twice
            finals.add(facts)
        assert len(finals) == 1, chosen


def test_statuses_and_contributions() -> None:
    pending = DonationFacts(amount=1000)
    assert (pending.status, pending.contribution, pending.counts) == (DonationStatus.PENDING, 0, 0)
    failed_once = pending.apply(EventKind.FAILED)
    assert failed_once.status is DonationStatus.FAILED
    paid = failed_once.apply(EventKind.SUCCEEDED)  # a retry that worked
    assert (paid.status, paid.contribution, paid.counts) == (DonationStatus.SUCCEEDED, 1000, 1)
    partly = paid.apply(EventKind.REFUNDED, 250)
    assert (partly.status, partly.contribution, partly.counts) == (DonationStatus.SUCCEEDED, 750, 1)
    assert partly.apply(EventKind.REFUNDED, 100) == partly  # a late, smaller running total
    whole = partly.apply(EventKind.REFUNDED, 5000)  # never more than was given
    assert (whole.status, whole.contribution, whole.refunded_amount) == (
        DonationStatus.REFUNDED, 0, 1000,
    )  # fmt: skip
    refund_first = DonationFacts(amount=1000).apply(EventKind.REFUNDED, None)
    assert refund_first.apply(EventKind.SUCCEEDED) == refund_first
    assert refund_first.status is DonationStatus.REFUNDED


# --- Stripe signatures ------------------------------------------------------------------------

BODY = b'{"id":"evt_1"}'
NOW = 1_700_000_000


def header(*signatures: str, t: int = NOW) -> str:
    return ",".join([f"t={t}", *(f"v1={s}" for s in signatures)])


def test_a_signature_made_as_stripe_documents_it_passes() -> None:
    good = stripe_signature(BODY, NOW, "whsec_a")
    import hashlib
    import hmac

    assert good == hmac.new(b"whsec_a", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    verify_stripe_signature(BODY, header(good), "whsec_a", now=NOW + 299)
    # Rolling the secret: Stripe sends one v1 per active secret, ours may be any of them.
    verify_stripe_signature(BODY, header("00" * 32, good) + ",v0=ignored", "whsec_a", now=NOW)


@pytest.mark.parametrize(
    ("signature_header", "now", "message"),
    [
        (None, NOW, "missing"),
        ("v1=abc", NOW, "no timestamp"),
        (f"t={NOW}", NOW, "no v1 signature"),
        ("t=soon,v1=abc", NOW, "not a whole number"),
        (header("00" * 32), NOW, "No v1 signature .* matches"),
        (header(stripe_signature(BODY, NOW, "whsec_other")), NOW, "matches"),
        (header(stripe_signature(BODY, NOW, "whsec_a")), NOW + 301, "outside the 300 s tolerance"),
        (header(stripe_signature(BODY, NOW, "whsec_a")), NOW - 301, "outside the 300 s tolerance"),
    ],
)
def test_bad_signatures_are_refused_with_the_reason(
    signature_header: str | None, now: int, message: str
) -> None:
    with pytest.raises(SignatureError, match=message):
        verify_stripe_signature(BODY, signature_header, "whsec_a", now=now)


def test_a_tampered_body_fails_its_signature() -> None:
    good = stripe_signature(BODY, NOW, "whsec_a")
    with pytest.raises(SignatureError):
        verify_stripe_signature(BODY + b" ", header(good), "whsec_a", now=NOW)


# --- webhooks ---------------------------------------------------------------------------------


async def test_a_signed_success_counts_once_however_often_it_is_delivered(
    client: httpx.AsyncClient,
) -> None:
    campaign = await make_campaign()
    await make_donation(campaign, "pi_1", 2500)
    payload = succeeded("evt_1", "pi_1")
    first = await deliver(client, payload)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 1, "outcomes": ["applied"]}
    again = await deliver(client, payload)
    assert (again.status_code, again.json()["outcomes"]) == (200, ["duplicate"])
    assert await totals() == (2500, 1)
    donation = await Donation.get(provider_reference="pi_1")
    assert donation.status is DonationStatus.SUCCEEDED
    assert donation.succeeded_at is not None


async def test_bad_or_stale_signatures_get_400_and_change_nothing(
    client: httpx.AsyncClient,
) -> None:
    campaign = await make_campaign()
    await make_donation(campaign, "pi_1", 2500)
    payload = succeeded("evt_1", "pi_1")
    forged = await deliver(client, payload, secret="whsec_guess")
    stale = await deliver(client, payload, timestamp=int(datetime.now(UTC).timestamp()) - 301)
    unsigned = await client.post(WEBHOOK, content=payload)
    for response in (forged, stale, unsigned):
        assert response.status_code == 400
        assert "error" in response.json()
    assert "tolerance" in stale.json()["error"]
    assert await totals() == (0, 0)
    assert await ProcessedEvent.all().count() == 0
    # The same event, properly signed, is still applied afterwards: nothing was consumed.
    assert (await deliver(client, payload)).json()["outcomes"] == ["applied"]


async def test_rotating_secrets_send_several_v1_signatures(client: httpx.AsyncClient) -> None:
    campaign = await make_campaign()
    await make_donation(campaign, "pi_1", 2500)
    payload = succeeded("evt_1", "pi_1")
    response = await deliver(client, payload, extra_signatures=("ab" * 32,))
    assert response.status_code == 200
    assert await totals() == (2500, 1)


async def test_unreadable_bodies_and_unknown_providers_are_refused(
    client: httpx.AsyncClient,
) -> None:
    not_json = await deliver(client, b"not json")
    assert (not_json.status_code, not_json.json()) == (400, {"error": "The body is not JSON."})
    no_object = await deliver(client, b'{"id": "evt_1", "type": "charge.refunded"}')
    assert no_object.status_code == 400
    unknown = await client.post("/donations/webhooks/paypal", content=b"{}")
    assert unknown.status_code == 404
    offline = await client.post("/donations/webhooks/offline", content=b"{}")
    assert offline.status_code == 404
    assert "confirmPledge" in offline.json()["error"]


async def test_events_of_payments_not_started_here_are_acknowledged_and_ignored(
    client: httpx.AsyncClient,
) -> None:
    await make_campaign()
    response = await deliver(client, succeeded("evt_x", "pi_elsewhere"))
    assert (response.status_code, response.json()["outcomes"]) == (200, ["unknown"])
    other = await deliver(client, b'{"id":"evt_y","type":"customer.created","data":{"object":{}}}')
    assert other.json() == {"received": 0, "outcomes": []}


ORDERS = list(itertools.permutations(["failed", "succeeded", "partial", "full"]))


async def test_every_delivery_order_ends_in_the_right_totals(client: httpx.AsyncClient) -> None:
    """24 donations, each receiving the same four events in a different order (and twice)."""
    campaign = await make_campaign()
    for number, order in enumerate(ORDERS):
        intent = f"pi_{number}"
        await make_donation(campaign, intent, 1000)
        payloads = {
            "failed": failed(f"evt_{number}_f", intent),
            "succeeded": succeeded(f"evt_{number}_s", intent),
            "partial": refunded(f"evt_{number}_p", intent, 400),
            "full": refunded(f"evt_{number}_r", intent, 1000),
        }
        for name in order:
            assert (await deliver(client, payloads[name])).status_code == 200
            assert (await deliver(client, payloads[name])).json()["outcomes"] == ["duplicate"]
    assert await totals() == (0, 0)
    statuses = await Donation.all().values_list("status", flat=True)
    assert set(statuses) == {DonationStatus.REFUNDED}


async def test_refund_before_success_then_partial_refunds(client: httpx.AsyncClient) -> None:
    campaign = await make_campaign()
    await make_donation(campaign, "pi_a", 1000)
    await make_donation(campaign, "pi_b", 3000)
    await deliver(client, refunded("evt_1", "pi_a", 1000))  # before its success
    assert await totals() == (0, 0)
    await deliver(client, succeeded("evt_2", "pi_a"))
    await deliver(client, refunded("evt_3", "pi_b", 500))  # partial, before success
    assert await totals() == (2500, 1)
    await deliver(client, succeeded("evt_4", "pi_b"))
    await deliver(client, refunded("evt_5", "pi_b", 1500))  # running total grows
    await deliver(client, refunded("evt_6", "pi_b", 500))  # a late, smaller total
    assert await totals() == (1500, 1)


# --- the API ----------------------------------------------------------------------------------


async def test_a_campaign_shows_its_progress_and_public_donations_only(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    campaign = await make_campaign(goal=10_000)
    await make_donation(campaign, "pi_1", 2500, donor_name="Ada", donor_email="ada@example.org",
                        message="For peace")  # fmt: skip
    await make_donation(campaign, "pi_2", 1000, donor_name="Ada", donor_email="ADA@example.org")
    await make_donation(campaign, "pi_3", 700, donor_name="Hidden", anonymous=True)
    await make_donation(campaign, "pi_4", 9000, donor_name="Never paid")
    for number, intent in enumerate(["pi_1", "pi_2", "pi_3"]):
        await deliver(client, succeeded(f"evt_{number}", intent))
    data = (await gql.data(CAMPAIGN_QUERY, {"slug": "peace"}))["campaign"]
    assert data["raised"] == {"amount": 4200, "currency": "EUR", "formatted": "€42.00"}
    assert data["goal"] == {"amount": 10_000, "formatted": "€100.00", "decimal": "100.00"}
    assert (data["percent"], data["donationCount"], data["donorCount"]) == (42.0, 3, 2)
    assert data["isOpen"] is True
    assert [d["displayName"] for d in data["recentDonations"]] == ["Anonymous", "Ada", "Ada"]
    assert data["recentDonations"][2]["message"] == "For peace"
    body = await gql.query('{ campaign(slug: "peace") { recentDonations { donorEmail } } }')
    assert "Cannot query field 'donorEmail'" in body["errors"][0]["message"]


async def test_donor_data_needs_the_read_private_scope(gql: GraphQLClient) -> None:
    campaign = await make_campaign()
    await make_donation(campaign, "pi_1", 2500, donor_email="ada@example.org")
    query = '{ campaign(slug: "peace") { donations { edges { node { donorEmail status } } } } }'
    body = await gql.query(query)
    assert (
        "`donations` needs an API token with the scope `donations:read-private`"
        in (body["errors"][0]["message"])
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    gql.headers.update(PRIVATE)
    data = await gql.data(query)
    nodes = [edge["node"] for edge in data["campaign"]["donations"]["edges"]]
    assert nodes == [{"donorEmail": "ada@example.org", "status": "PENDING"}]


async def test_drafts_are_never_public(client: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await make_campaign("secret", status=CampaignStatus.DRAFT)
    await make_campaign("open")
    data = await gql.data(
        '{ campaigns { edges { node { slug } } } campaign(slug: "secret") { slug } }'
    )
    assert [e["node"]["slug"] for e in data["campaigns"]["edges"]] == ["open"]
    assert data["campaign"] is None
    assert (await client.get("/donations/campaigns/secret/progress.svg")).status_code == 404


START = """
mutation($input: StartDonationInput!) {
  startDonation(input: $input) {
    errors { field code message }
    reference provider redirectUrl clientSecret instructions campaign { slug }
  }
}
"""


def donation_input(**fields: Any) -> dict[str, Any]:
    return {"campaign": "peace", "amount": 2500, "currency": "EUR", **fields}


async def start(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(START, {"input": donation_input(**fields)}))[
        "startDonation"
    ]
    return result


async def test_start_donation_explains_every_mistake(gql: GraphQLClient) -> None:
    await make_campaign()
    await make_campaign("over", closes_at=datetime.now(UTC) - timedelta(days=1))
    await make_campaign("later", opens_at=datetime.now(UTC) + timedelta(days=1))
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"amount": 0}, "AMOUNT_NOT_POSITIVE", "amount"),
        ({"amount": -5}, "AMOUNT_NOT_POSITIVE", "amount"),
        ({"amount": 1_000_001}, "AMOUNT_TOO_LARGE", "amount"),
        ({"currency": "USD"}, "CURRENCY_MISMATCH", "currency"),
        ({"campaign": "nope"}, "CAMPAIGN_NOT_FOUND", "campaign"),
        ({"campaign": "over"}, "CAMPAIGN_CLOSED", "campaign"),
        ({"campaign": "later"}, "CAMPAIGN_CLOSED", "campaign"),
        ({"provider": "paypal"}, "UNKNOWN_PROVIDER", "provider"),
        ({"donorEmail": "not-an-email"}, "INVALID_EMAIL", "donorEmail"),
        ({"message": "x" * 2001}, "TOO_LONG", "message"),
    ]
    for fields, code, field in cases:
        result = await start(gql, **fields)
        assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)], fields
        assert result["reference"] is None
    assert (
        "at most 1000000 (10000 EUR)"
        in (await start(gql, amount=1_000_001))["errors"][0]["message"]
    )
    assert await Donation.all().count() == 0
    too_big = await gql.query(START, {"input": donation_input(amount=2**60)})
    assert "MinorUnits must be at most" in too_big["errors"][0]["message"]


async def test_an_offline_pledge_counts_once_an_editor_confirms_it(
    gql: GraphQLClient,
) -> None:
    await make_campaign()
    result = await start(gql, provider="offline", donorName="Ada", donorEmail="ada@example.org")
    assert result["errors"] == []
    assert result["provider"] == "offline"
    reference = result["reference"]
    assert reference.startswith("PLEDGE-")
    assert reference in result["instructions"]
    confirm = (
        "mutation($r: String!) { confirmPledge(reference: $r) { changed donation { status } } }"
    )
    refused = await gql.query(confirm, {"r": reference})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await totals() == (0, 0)
    gql.headers["x-test-scopes"] = "donations:confirm"
    first = (await gql.data(confirm, {"r": reference}))["confirmPledge"]
    again = (await gql.data(confirm, {"r": reference}))["confirmPledge"]
    assert first == {"changed": True, "donation": {"status": "SUCCEEDED"}}
    assert again == {"changed": False, "donation": {"status": "SUCCEEDED"}}
    assert await totals() == (2500, 1)
    assert "No offline pledge" in await gql.error(confirm, {"r": "PLEDGE-NOPE"})


async def test_card_donations_fail_cleanly_while_stripe_is_unreachable(
    gql: GraphQLClient,
) -> None:
    await make_campaign()
    unreachable = await start(gql, provider="stripe")
    assert [e["code"] for e in unreachable["errors"]] == ["PROVIDER_UNAVAILABLE"]
    assert "try again later" in unreachable["errors"][0]["message"]
    assert await Donation.all().count() == 0


class TestCardDonations:
    @pytest.fixture
    async def stripe_api(self) -> AsyncIterator[str]:
        async with fake_stripe() as base_url:
            yield base_url

    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Path, stripe_api: str) -> Settings:
        extra = {STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_KEY: API_KEY}
        return Settings(
            data_dir=tmp_path,
            database_url=database_url,
            extra={**extra, STRIPE_API_BASE: stripe_api},
        )

    async def test_a_card_donation_gets_a_client_secret_then_counts_when_paid(
        self, gql: GraphQLClient, client: httpx.AsyncClient
    ) -> None:
        await make_campaign()
        result = await start(gql, provider="stripe", donorEmail="Ada@Example.org")
        assert result["errors"] == []
        assert result["reference"].startswith("pi_fake")
        assert result["clientSecret"].startswith(result["reference"] + "_secret_")
        assert result["redirectUrl"] is None
        donation = await Donation.get(provider_reference=result["reference"])
        assert (donation.amount, donation.status, donation.donor_key) == (
            2500, DonationStatus.PENDING, "ada@example.org",
        )  # fmt: skip
        await deliver(client, succeeded("evt_1", result["reference"]))
        assert await totals() == (2500, 1)


async def test_section_and_post_fields_cost_the_same_sql_for_one_or_many(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    query = """{
      sections { edges { node {
        slug campaigns { slug raised { amount } donorCount recentDonations { displayName } }
      } } }
      posts { edges { node { slug campaign { slug percent } } } }
    }"""

    async def statements() -> int:
        sql_counter.reset()
        await gql.data(query)
        return sql_counter.count

    async def grow(number: int) -> None:
        section = await factories.section(f"section-{number}")
        post = await factories.post(f"post-{number}")
        campaign = await make_campaign(f"campaign-{number}")
        await CampaignSection.create(campaign=campaign, section=section)
        await CampaignPost.create(campaign=campaign, post=post)
        await make_donation(campaign, f"pi_{number}", 100, paid=True, status="succeeded",
                            succeeded_at=datetime.now(UTC))  # fmt: skip

    await grow(1)
    one = await statements()
    for number in range(2, 6):
        await grow(number)
    assert await statements() == one
    data = await gql.data(query)
    sections = [edge["node"] for edge in data["sections"]["edges"]]
    linked = {s["slug"]: [c["slug"] for c in s["campaigns"]] for s in sections}
    assert linked["section-3"] == ["campaign-3"]
    posts = {e["node"]["slug"]: e["node"]["campaign"] for e in data["posts"]["edges"]}
    assert posts["post-2"] == {"slug": "campaign-2", "percent": 0.0}


async def test_the_progress_svg_is_accessible_and_cacheable(client: httpx.AsyncClient) -> None:
    campaign = await make_campaign(title="Peace & Freedom", goal=10_000)
    await make_donation(campaign, "pi_1", 2500, donor_email="ada@example.org")
    await deliver(client, succeeded("evt_1", "pi_1"))
    response = await client.get("/donations/campaigns/peace/progress.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert response.headers["content-security-policy"] == "default-src 'none'"
    svg = response.text
    label = "Peace &amp; Freedom: €25.00 raised of €100.00 (25%), 1 donor"
    assert 'role="img"' in svg
    assert f'aria-label="{label}"' in svg
    assert f"<title>{label}</title>" in svg
    etag = response.headers["etag"]
    cached = await client.get(
        "/donations/campaigns/peace/progress.svg", headers={"if-none-match": etag}
    )
    assert (cached.status_code, cached.content) == (304, b"")
    await make_donation(campaign, "pi_2", 500)
    await deliver(client, succeeded("evt_2", "pi_2"))
    changed = await client.get(
        "/donations/campaigns/peace/progress.svg", headers={"if-none-match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    missing = await client.get("/donations/campaigns/nope/progress.svg")
    assert missing.status_code == 404
    assert "nope" in missing.text


async def test_the_demo_campaign_is_linked_to_the_seed_post_and_idempotent(
    gql: GraphQLClient,
) -> None:
    await factories.post(DEMO_POST_SLUG)
    await load_demo_campaign()
    await load_demo_campaign()
    assert await Campaign.filter(slug=DEMO_CAMPAIGN_SLUG).count() == 1
    query = '{ post(slug: "%s") { campaign { slug currency goal { formatted } isOpen } } }'
    data = await gql.data(query % DEMO_POST_SLUG)
    assert data["post"]["campaign"] == {
        "slug": DEMO_CAMPAIGN_SLUG, "currency": "CHF", "goal": {"formatted": "CHF50,000.00"},
        "isOpen": True,
    }  # fmt: skip
