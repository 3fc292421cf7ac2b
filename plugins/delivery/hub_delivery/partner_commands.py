"""``hub partners``: what each partner key may do, from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table
from tortoise import Tortoise

from hub import CommandError, Role, command_settings, run_in_database
from hub_delivery import settings as delivery_settings
from hub_delivery.models import PartnerPolicy
from hub_delivery.partners import POLICY_FIELDS, PolicyChange, describe, save_policy

partners_cli = typer.Typer(
    help="Partner keys: allowed origins, rate limits, query budgets (tokens of partner accounts).",
    no_args_is_help=True,
)


async def _partner_token(prefix: str) -> dict[str, Any]:
    """The one live token starting with ``prefix``, which must belong to a partner account."""
    # As `hub tokens revoke`: the listed prefix (a whole token works too, its first characters
    # being its prefix).
    prefix = prefix.strip().removesuffix("...")[:12]
    tokens = Tortoise.apps["access"]["ApiToken"]
    matches = await tokens.filter(prefix=prefix, revoked_at=None).values(
        "id", "prefix", "user__email", "user__role"
    )
    if not matches:
        raise CommandError(f"no live token has the prefix {prefix!r} (see `hub tokens list`)")
    if len(matches) > 1:
        raise CommandError(f"{len(matches)} tokens start with {prefix!r}; give more characters")
    token = matches[0]
    if token["user__role"] != Role.PARTNER:
        raise CommandError(
            f"the token {token['prefix']}... belongs to {token['user__email']} (role "
            f"{token['user__role']}): partner policies apply to partner accounts' tokens"
        )
    return dict(token)


@partners_cli.command("set")
def set_command(
    prefix: Annotated[str, typer.Argument(help="The token's prefix, as `hub tokens list` shows.")],
    origin: Annotated[
        list[str] | None,
        typer.Option(help="An origin whose pages may use the key; repeat for several."),
    ] = None,
    any_origin: Annotated[
        bool, typer.Option("--any-origin", help="Remove the origin restriction.")
    ] = False,
    rate: Annotated[str | None, typer.Option(help="Such as 600/min, 10/s or 5000/h.")] = None,
    burst: Annotated[int | None, typer.Option(help="Requests at once, on top of the rate.")] = None,
    max_depth: Annotated[int | None, typer.Option(help="Deepest nesting (default 6).")] = None,
    max_aliases: Annotated[int | None, typer.Option(help="Most aliases (default 15).")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Most tokens (default 1000).")] = None,
    max_cost: Annotated[int | None, typer.Option(help="Highest query cost (default 5000).")] = None,
    registered_only: Annotated[
        bool | None,
        typer.Option(
            "--registered-only/--any-operation",
            help="Run only operations registered with `hub queries register`.",
        ),
    ] = None,
) -> None:
    """Create or change a partner key's policy; options not given keep their value."""
    if origin and any_origin:
        raise typer.BadParameter("give --origin or --any-origin, not both", param_hint="--origin")
    change = PolicyChange(
        origins=() if any_origin else tuple(origin) if origin else None,
        rate=rate, burst=burst, max_depth=max_depth, max_aliases=max_aliases,
        max_tokens=max_tokens, max_cost=max_cost, registered_only=registered_only,
    )  # fmt: skip
    try:
        change = change.checked()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None

    async def work() -> str:
        token = await _partner_token(prefix)
        await save_policy(token["id"], change)
        return str(token["prefix"])

    saved = run_in_database(work)
    refresh = delivery_settings.partner_refresh(command_settings())
    Console().print(
        f"Saved the policy of {saved}...; running servers apply it within {refresh:g} s.",
        highlight=False,
    )


@partners_cli.command("list")
def list_command() -> None:
    """List partner keys with their policies (defaults marked)."""

    async def work() -> list[tuple[dict[str, Any], dict[str, Any]]]:
        tokens = Tortoise.apps["access"]["ApiToken"]
        keys = (
            await tokens.filter(user__role=Role.PARTNER, revoked_at=None)
            .order_by("user__email", "created_at")
            .values("id", "prefix", "user__email")
        )
        rows = await PartnerPolicy.all().values(*POLICY_FIELDS)
        policies = {row["token_id"]: row for row in rows}
        empty = dict.fromkeys(POLICY_FIELDS) | {"origins": [], "registered_only": False}
        return [(key, policies.get(key["id"], empty)) for key in keys]

    default_rate = delivery_settings.partner_rate(command_settings())
    table = Table(
        Column("prefix", no_wrap=True), Column("account", overflow="fold"),
        Column("origins", overflow="fold"), "rate", Column("budget", overflow="fold"),
        "operations",
    )  # fmt: skip
    for key, row in run_in_database(work):
        shown = describe(row, default_rate)
        table.add_row(
            f"{key['prefix']}...", str(key["user__email"]), shown["origins"], shown["rate"],
            shown["budget"], shown["operations"],
        )  # fmt: skip
    Console().print(table)


@partners_cli.command("remove")
def remove_command(
    prefix: Annotated[str, typer.Argument(help="The token's prefix, as `hub tokens list` shows.")],
) -> None:
    """Remove a key's policy: the key keeps working with the partner defaults."""

    async def work() -> str:
        token = await _partner_token(prefix)
        if not await PartnerPolicy.filter(token_id=token["id"]).delete():
            raise CommandError(f"the token {token['prefix']}... has no policy to remove")
        return str(token["prefix"])

    Console().print(f"Removed the policy of {run_in_database(work)}...; it now has the defaults.")
