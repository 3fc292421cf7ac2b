"""The scopes the donations plugin checks, declared to the access plugin.

Fields use ``permission_classes=[RequireScope(...)]`` from ``hub``: refusals read the same as the
core's and name the missing scope.
"""

from __future__ import annotations

from hub import RequireScope, Scope

READ_PRIVATE = "donations:read-private"
CONFIRM = "donations:confirm"
WRITE = "donations:write"

# ``hub`` does not export the access plugin's ``Role``; it is a StrEnum, so a role's value
# stands for it ("editor" == Role.EDITOR).
EDITORS = frozenset({"editor"})

SCOPES: tuple[Scope, ...] = (
    Scope(READ_PRIVATE, "List donations with the donors' names, emails and messages."),
    Scope(
        CONFIRM,
        "Confirm that an offline pledge's money arrived, so it counts towards its campaign.",
        EDITORS,  # type: ignore[arg-type]
    ),
    Scope(
        WRITE,
        "Create, change and delete fundraising campaigns (createCampaign, updateCampaign, "
        "deleteCampaign).",
        EDITORS,  # type: ignore[arg-type]
    ),
)

__all__ = ["CONFIRM", "READ_PRIVATE", "SCOPES", "WRITE", "RequireScope"]
