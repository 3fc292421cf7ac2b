"""The environment variables the donations plugin reads."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError

from hub import Setting, Settings

MAX_AMOUNT = "HUB_DONATIONS_MAX_AMOUNT"
LOCALE = "HUB_DONATIONS_LOCALE"
STRIPE_WEBHOOK_SECRET = "HUB_DONATIONS_STRIPE_WEBHOOK_SECRET"
STRIPE_API_KEY = "HUB_DONATIONS_STRIPE_API_KEY"
STRIPE_API_BASE = "HUB_DONATIONS_STRIPE_API_BASE"
REDIS_URL = "HUB_REDIS_URL"
CAMPAIGN_URL = "HUB_DONATIONS_CAMPAIGN_URL"


def _positive(value: int) -> None:
    if value <= 0:
        raise ValueError("must be a positive whole number")


def _locale(value: str) -> None:
    try:
        Locale.parse(value)
    except (ValueError, UnknownLocaleError) as error:
        raise ValueError(f"is not a locale Babel knows (such as en, de_CH): {error}") from None


def _http_url(value: str) -> None:
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http(s) URL such as https://api.stripe.com")


def _campaign_url(value: str) -> None:
    if value and (not value.startswith(("https://", "http://")) or value.count("{slug}") != 1):
        raise ValueError(
            "must be an absolute http(s) URL with {slug} once, such as "
            "https://example.org/campaigns/{slug}"
        )


def _redis_url(value: str) -> None:
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("must start with redis://, rediss:// or unix://")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        MAX_AMOUNT,
        int,
        100_000,
        "Largest single donation, in whole units of the campaign's currency (100000 means "
        "100,000.00 EUR or 100,000 JPY); larger amounts are refused.",
        _positive,
    ),
    Setting(
        LOCALE, str, "en", "Locale amounts are formatted in (CLDR name: en, de_CH...).", _locale
    ),
    Setting(
        STRIPE_WEBHOOK_SECRET,
        str,
        "",
        "The Stripe webhook endpoint's signing secret (whsec_...); without it every Stripe "
        "webhook is refused.",
    ),
    Setting(
        STRIPE_API_KEY,
        str,
        "",
        "Stripe secret API key (sk_...) used to create PaymentIntents; without it the stripe "
        "provider is not offered.",
    ),
    Setting(
        STRIPE_API_BASE,
        str,
        "https://api.stripe.com",
        "Base URL of the Stripe API (change only to point at a test double).",
        _http_url,
    ),
    Setting(
        REDIS_URL,
        str,
        "",
        "Redis URL (redis://host:6379/0): campaign progress is then published through Redis "
        "pub/sub, so subscribers on every server process hear every donation.",
        _redis_url,
    ),
    Setting(
        CAMPAIGN_URL,
        str,
        "",
        "Public URL of a campaign's page on the organisation's site, with {slug}, such as "
        "https://example.org/campaigns/{slug}: oEmbed (the delivery plugin) embeds the "
        "campaign's progress for it. Empty: campaigns are not embeddable by URL.",
        _campaign_url,
    ),
)


def max_amount(settings: Settings) -> int:
    value: int = settings.get(MAX_AMOUNT)
    return value


def display_locale(settings: Settings) -> str:
    value: str = settings.get(LOCALE)
    return value


def text(settings: Settings, name: str) -> str:
    value: str = settings.get(name)
    return value
