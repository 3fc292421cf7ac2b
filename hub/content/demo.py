"""Demo content: the seed (real text from the organisation), plugins' demo data, synthetic posts.

Everything goes through :func:`hub.content.transfer.import_content`, so demo data is checked and
sanitised exactly like an editor's import, and plugins hear about it through content events.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import pluggy
import pycountry

from hub.content.models import Post
from hub.content.registry import content_types
from hub.content.transfer import ImportProgress, ImportReport, import_content, parse_json
from hub.plugins import call_each_async
from hub.settings import Settings

SEED_FILE = Path(__file__).with_name("demo_data") / "seed.json"

# Synthetic dates are fixed, never relative to today, so a seed always gives the same posts.
FIRST_DAY = datetime(2006, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2025, 6, 30, tzinfo=UTC)
SCHEDULED_FROM = datetime(2031, 1, 1, tzinfo=UTC)

FIRST_NAMES = (
    "Amina", "Beatriz", "Chiara", "Dalia", "Elif", "Fatima", "Grace", "Hanna", "Ingrid", "Joyce",
    "Kavita", "Leila", "Mariam", "Nomvula", "Olga", "Priya", "Rosa", "Sakura", "Thandiwe", "Ursula",
    "Valentina", "Wanjiru", "Ximena", "Yasmin", "Zainab", "Agnes", "Bongani", "Carlos", "Daniel",
    "Emeka", "Farid", "Jonas", "Kofi", "Luis", "Marek", "Omar", "Pablo", "Samuel", "Tomas",
)  # fmt: skip
LAST_NAMES = (
    "Abdi", "Achieng", "Bakr", "Castillo", "Diallo", "Eriksen", "Fonseca", "Gashi", "Haddad",
    "Ivanova", "Jovanovic", "Kamau", "Lindqvist", "Mensah", "Nakamura", "Okafor", "Petrova",
    "Quispe", "Rahimi", "Santos", "Tadesse", "Uchenna", "Vargas", "Wekesa", "Yilmaz", "Zulu",
    "Moreau", "Novak", "Schmidt", "Rossi", "Hansen", "Kovacs", "Mbeki", "Osei", "Popescu",
)  # fmt: skip
ROLES = ("Section member", "Programme coordinator", "Advocacy officer", "Researcher", "Volunteer")

# The organisation's vocabulary, by language: title patterns and sentences to build bodies from.
SUBJECTS = (
    "disarmament", "arms control", "nuclear weapons", "women's participation",
    "militarised borders", "human rights defenders", "climate justice", "gender-based violence",
    "peacekeeping accountability", "the arms trade", "displacement and migration",
    "Resolution 1325", "conflict prevention", "military spending", "peace negotiations",
)  # fmt: skip
ACTORS = (
    "Women Peacebuilders", "Our Section", "Young WILPF", "Civil Society", "Feminist Activists",
    "The International Board", "Local Partners", "Human Rights Advocates",
)  # fmt: skip
ENGLISH_TITLES = (
    "{actor} Call for Action on {subject}",
    "What {subject} Means for Women in {country}",
    "{country}: A Feminist Response to {subject}",
    "Statement on {subject} at the Human Rights Council",
    "{actor} Meet in {country} to Discuss {subject}",
    "Why {subject} Needs a Feminist Analysis",
)  # fmt: skip
ENGLISH_SENTENCES = (
    "Women in {country} continue to carry the costs of {subject}.",
    "Our members met with civil society partners to share what they have learned.",
    "A feminist analysis shows how militarism shapes everyday life far from the front lines.",
    "The Section presented its recommendations to the government and the United Nations.",
    "States have a legal obligation to prevent violence and to protect human rights defenders.",
    "Money spent on weapons is money not spent on health, education and care.",
    "Local activists documented the effects of {subject} on their communities.",
    "We call on all governments to put women's meaningful participation at the centre.",
    "Peace is not the absence of war but the presence of justice and equality.",
    "The conference closed with a joint statement and a plan for the coming year.",
)  # fmt: skip
#: Title patterns and sentences per BCP 47 tag.
LANGUAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (ENGLISH_TITLES, ENGLISH_SENTENCES),
    "fr": (
        ("Les femmes de {country} pour la paix", "Déclaration sur le désarmement en {country}"),
        (
            "Les femmes de {country} demandent une participation réelle aux négociations.",
            "Notre Section a présenté ses recommandations aux Nations Unies.",
            "Le militarisme pèse sur la vie quotidienne bien au-delà des lignes de front.",
        ),
    ),
    "es": (
        ("Mujeres de {country} por la paz", "Declaración sobre el desarme en {country}"),
        (
            "Las mujeres de {country} exigen una participación real en las negociaciones.",
            "Nuestra Sección presentó sus recomendaciones a las Naciones Unidas.",
            "El militarismo afecta la vida cotidiana mucho más allá de los frentes.",
        ),
    ),
    "de": (
        ("Frauen in {country} für den Frieden", "Erklärung zur Abrüstung in {country}"),
        (
            "Frauen in {country} fordern echte Beteiligung an den Verhandlungen.",
            "Unsere Sektion hat ihre Empfehlungen den Vereinten Nationen vorgelegt.",
            "Militarismus prägt den Alltag weit über die Frontlinien hinaus.",
        ),
    ),
}
LANGUAGE_TAGS = ("en", "fr", "es", "de")
LANGUAGE_CUMULATIVE_WEIGHTS = (80, 88, 96, 100)
PARAGRAPH_TEMPLATES = 40


@dataclass(frozen=True)
class Country:
    code: str
    name: str


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """ASCII, lowercase, hyphenated: "Emma Bürgisser" → "emma-burgisser"."""
    # Accents go (ü → u); any other non-ASCII character separates words (apostrophes too).
    letters = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")


def _countries(excluded_codes: set[str]) -> list[Country]:
    return [
        Country(country.alpha_2, getattr(country, "common_name", None) or country.name)
        for country in sorted(pycountry.countries, key=lambda country: country.alpha_2)
        if country.alpha_2 not in excluded_codes and "," not in country.name
    ]


class SyntheticContent:
    """Realistic made-up content, the same for the same seed (``random.Random(seed)``)."""

    def __init__(self, seed: int, reserved: dict[str, Any]) -> None:
        self.random = random.Random(seed)
        # Never reuse a slug or country of ``reserved`` (the seed): importing would overwrite it.
        self.reserved_slugs = {
            record["slug"] for kind in ("sections", "people") for record in reserved[kind]
        }
        self.countries = _countries({section["country_code"] for section in reserved["sections"]})
        # Synthetic posts may be filed under the seed's themes and sections (never its people:
        # a real person's page should list only what they wrote).
        self.seed_themes: list[dict[str, Any]] = list(reserved["themes"])
        self.seed_sections: list[dict[str, Any]] = list(reserved["sections"])
        # Paragraph templates drawn once: picking whole paragraphs per post (not sentences) is
        # what makes 100,000 posts take seconds rather than half a minute.
        self.paragraphs = {
            language: [
                " ".join(self.random.choices(sentences, k=self.random.randint(3, 5)))
                for _ in range(PARAGRAPH_TEMPLATES)
            ]
            for language, (_, sentences) in LANGUAGES.items()
        }

    def document(self, post_count: int) -> dict[str, Any]:
        sections = self.sections(min(len(self.countries), 5 + post_count // 1000))
        people = self.people(max(10, post_count // 50), sections)
        themes = [{"slug": slugify(subject), "name": subject.capitalize()} for subject in SUBJECTS]
        theme_pool = [*self.seed_themes, *themes]
        section_pool = [*self.seed_sections, *sections]
        posts = [self.post(n, people, theme_pool, section_pool) for n in range(post_count)]
        return {"sections": sections, "people": people, "themes": themes, "posts": posts}

    def sections(self, count: int) -> list[dict[str, Any]]:
        chosen = sorted(self.random.sample(self.countries, count), key=lambda c: c.code)
        return [
            {
                "slug": slugify(f"wilpf {country.name}"),
                "name": f"WILPF {country.name}",
                "country_code": country.code,
                "description": f"The {country.name} Section works for peace and disarmament.",
                "founded_year": self.random.randint(1915, 2022),
            }
            for country in chosen
        ]

    def people(self, count: int, sections: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        people: list[dict[str, Any]] = []
        used = set(self.reserved_slugs)
        while len(people) < count:
            name = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"
            slug, suffix = slugify(name), 2
            while slug in used:
                slug, suffix = f"{slugify(name)}-{suffix}", suffix + 1
            used.add(slug)
            section = self.random.choice(sections) if self.random.random() < 0.7 else None
            people.append(
                {
                    "slug": slug,
                    "name": name,
                    "role": self.random.choice(ROLES),
                    "bio": f"{name} works on {self.random.choice(SUBJECTS)}.",
                    "section": section["slug"] if section else None,
                }
            )
        return people

    def post(
        self,
        number: int,
        people: Sequence[dict[str, Any]],
        themes: Sequence[dict[str, Any]],
        sections: Sequence[dict[str, Any]],
    ) -> dict[str, Any]:
        pick = self.random
        language = pick.choices(LANGUAGE_TAGS, cum_weights=LANGUAGE_CUMULATIVE_WEIGHTS)[0]
        linked_sections = pick.sample(sections, pick.choice((0, 1, 1, 2)))
        if linked_sections:
            country = linked_sections[0]["name"].removeprefix("WILPF ")
        else:
            country = pick.choice(self.countries).name
        words = {"actor": pick.choice(ACTORS), "subject": pick.choice(SUBJECTS), "country": country}
        title = pick.choice(LANGUAGES[language][0]).format(**words)
        templates = pick.sample(self.paragraphs[language], pick.randint(3, 7))
        paragraphs = [template.format(**words) for template in templates]
        body = [f"<p>{paragraph}</p>" for paragraph in paragraphs]
        body.insert(len(body) // 2, f"<h2>{words['subject'].capitalize()}</h2>")
        status, published_at = self.status_and_date()
        return {
            "slug": f"{slugify(title)[:100].rstrip('-')}-{number + 1}",
            "title": title,
            "excerpt": paragraphs[0].split(". ")[0].rstrip(".") + ".",
            "body": "\n".join(body),
            "status": status,
            "published_at": published_at,
            "language": language,
            "authors": [p["slug"] for p in pick.sample(people, pick.choice((1, 1, 1, 2, 2, 3)))],
            "themes": [t["slug"] for t in pick.sample(themes, pick.choice((1, 1, 2)))],
            "sections": [s["slug"] for s in linked_sections],
        }

    def status_and_date(self) -> tuple[str, str | None]:
        roll = self.random.random()
        if roll < 0.025:
            return "draft", None
        if roll < 0.05:
            moment = SCHEDULED_FROM + timedelta(days=self.random.randint(0, 365))
            return "scheduled", moment.isoformat()
        span = int((LAST_DAY - FIRST_DAY).total_seconds())
        moment = FIRST_DAY + timedelta(seconds=self.random.randint(0, span))
        return "published", moment.isoformat()


def seed_document() -> dict[str, Any]:
    document: dict[str, Any] = parse_json(SEED_FILE.read_bytes())
    return document


async def has_posts() -> bool:
    return await Post.exists()


async def load_plugin_demo_content(pm: pluggy.PluginManager, settings: Settings) -> list[str]:
    """Run every plugin's ``load_demo_content``, awaiting those that are async; returns names."""
    return await call_each_async(pm, "load_demo_content", settings=settings)


@dataclass
class DemoReport:
    seed: ImportReport
    plugins: list[str]
    synthetic: ImportReport | None


async def load_demo(
    pm: pluggy.PluginManager,
    settings: Settings,
    *,
    posts: int = 0,
    seed: int = 0,
    progress: ImportProgress | None = None,
) -> DemoReport:
    """The seed content, then the plugins' demo content, then ``posts`` synthetic posts."""
    types = content_types(pm, settings)
    seed_content = seed_document()
    seed_report = await import_content(pm, seed_content, progress, types=types)
    plugins = await load_plugin_demo_content(pm, settings)
    synthetic = None
    if posts > 0:
        document = SyntheticContent(seed, seed_content).document(posts)
        synthetic = await import_content(pm, document, progress, types=types)
    return DemoReport(seed_report, plugins, synthetic)
