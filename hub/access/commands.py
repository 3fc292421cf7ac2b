"""``hub users`` and ``hub tokens``: accounts and API tokens, from the command line."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from hub.access.models import ApiToken, Role, User
from hub.access.passwords import check_password_strength, hash_password
from hub.access.scopes import scope_catalogue
from hub.access.tokens import PREFIX_LENGTH, issue_token, revoke_token
from hub.command_context import command_context, run_in_database
from hub.errors import CommandError

console = Console()
err_console = Console(stderr=True)

users_cli = typer.Typer(
    help="Accounts: admins, editors, authors and partners.", no_args_is_help=True
)
tokens_cli = typer.Typer(
    help="API tokens (sent as `Authorization: Bearer ...`).", no_args_is_help=True
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DURATION = re.compile(r"^(\d+)([smhd]?)$")
UNITS = {"": "seconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m`` or seconds."""
    match = DURATION.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise typer.BadParameter(f"{text!r} is not a duration such as 90d, 12h or 30m")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_strength(password)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="password") from None
    return password


@users_cli.command("create")
def create_user(
    email: Annotated[str, typer.Option(help="Sign-in address; unique.")],
    role: Annotated[Role, typer.Option(help="What the account may do.")],
    person: Annotated[
        str | None, typer.Option(help="Slug of the person an author writes as.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account. The password is asked for (or read from stdin), never an argument."""
    if not EMAIL.fullmatch(email):
        raise typer.BadParameter(f"{email!r} is not an email address", param_hint="--email")
    password_hash = hash_password(read_password(password_stdin))

    async def create() -> User:
        from hub.content.models import Person

        if await User.filter(email=email.lower()).exists():
            raise CommandError(f"an account with the email {email.lower()} exists already")
        person_id = None
        if person is not None:
            person_id = await Person.filter(slug=person).first().values_list("id", flat=True)
            if person_id is None:
                raise CommandError(f"no person has the slug {person!r}")
        return await User.create(
            email=email.lower(), role=role, password_hash=password_hash, person_id=person_id
        )

    user = run_in_database(create)
    console.print(f"Created the {user.role.value} account {user.email}.")


@users_cli.command("list")
def list_users() -> None:
    """List the accounts."""

    async def rows() -> list[dict[str, object]]:
        return (
            await User.all()
            .order_by("email")
            .values("email", "role", "is_active", "person__slug", "created_at")
        )

    table = Table(
        Column("email", overflow="fold"),
        "role",
        Column("person", overflow="fold"),
        "active",
        "created",
    )
    for row in run_in_database(rows):
        table.add_row(
            str(row["email"]), str(row["role"]), str(row["person__slug"] or "-"),
            "yes" if row["is_active"] else "no", f"{row['created_at']:%Y-%m-%d}",
        )  # fmt: skip
    console.print(table)


@tokens_cli.command("create")
def create_token(
    user: Annotated[str, typer.Option(help="The account's email.")],
    scopes: Annotated[str, typer.Option(help="Comma-separated, such as content:read-drafts.")],
    expires_in: Annotated[
        str | None, typer.Option(help="Lifetime such as 90d or 12h (default: no expiry).")
    ] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Create an API token and print it: this is the only time it is shown."""
    lifetime = parse_duration(expires_in) if expires_in else None
    wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]

    async def issue() -> str:
        account = await User.filter(email=user.lower()).first()
        if account is None:
            raise CommandError(f"no account has the email {user.lower()}")
        catalogue = scope_catalogue(command_context().plugin_manager)
        try:
            issued = await issue_token(account, wanted, catalogue, lifetime, name)
        except ValueError as refused:  # a scope the role may not hold, an unknown scope
            raise CommandError(str(refused)) from None
        return issued.token

    token = run_in_database(issue)
    err_console.print("The token (shown once, store it now):")
    sys.stdout.write(token + "\n")


@tokens_cli.command("revoke")
def revoke(prefix: Annotated[str, typer.Argument(help="The token's prefix, as listed.")]) -> None:
    """Revoke a token at once: requests with it get 401 from now on."""

    async def revoke_one() -> ApiToken:
        try:
            return await revoke_token(prefix)
        except ValueError as unknown:  # no token, or several, start with the prefix
            raise CommandError(str(unknown)) from None

    token = run_in_database(revoke_one)
    console.print(f"Revoked {token.prefix}...")


@tokens_cli.command("list")
def list_tokens(
    user: Annotated[str | None, typer.Option(help="Only this account's tokens.")] = None,
) -> None:
    """List tokens by prefix (the tokens themselves are not stored)."""

    async def rows() -> list[dict[str, object]]:
        query = ApiToken.all()
        if user is not None:
            query = query.filter(user__email=user.lower())
        return await query.order_by("user__email", "created_at").values(
            "prefix", "name", "user__email", "scopes", "expires_at", "revoked_at", "last_used_at"
        )

    table = Table("account", "name", "scopes", "expires", "state", "last used")
    # The prefix is what `hub tokens revoke` takes: never shortened, whatever the terminal.
    table.columns.insert(0, Column("prefix", no_wrap=True, min_width=PREFIX_LENGTH + 3))
    for column in table.columns[1:]:
        column.overflow = "fold"
    for row in run_in_database(rows):
        expires, revoked, used = row["expires_at"], row["revoked_at"], row["last_used_at"]
        table.add_row(
            f"{row['prefix']}...", str(row["user__email"]), str(row["name"]),
            ", ".join(row["scopes"]),  # type: ignore[arg-type]
            f"{expires:%Y-%m-%d}" if expires else "never",
            f"revoked {revoked:%Y-%m-%d}" if revoked else "live",
            f"{used:%Y-%m-%d %H:%M}" if used else "never",
        )  # fmt: skip
    console.print(table)


def register(cli: typer.Typer) -> None:
    cli.add_typer(users_cli, name="users")
    cli.add_typer(tokens_cli, name="tokens")
