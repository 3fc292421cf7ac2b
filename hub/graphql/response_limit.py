"""The last line of defence: an answer larger than ``HUB_MAX_RESPONSE_BYTES`` is not sent.

The cost budget keeps the shape of an answer small; long texts can still make it large (a
hundred posts' bodies). Such an answer is replaced by a GraphQL error naming its size and the
limit. The answer is built and encoded before its size is known, so the ceiling bounds what goes
over the network and into caches, not the memory of one request: the cost budget bounds that.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

logger = logging.getLogger("hub.graphql")

CODE = "RESPONSE_TOO_LARGE"


def too_large(size: int, maximum: int) -> dict[str, Any]:
    return {
        "data": None,
        "errors": [
            {
                "message": f"The answer is {size} bytes, over the {maximum} bytes this server "
                "sends (HUB_MAX_RESPONSE_BYTES): ask for fewer fields or smaller pages.",
                "extensions": {"code": CODE, "size": size, "maximum": maximum},
            }
        ],
    }


def encode_within(response_data: Any, maximum: int) -> bytes:
    """The JSON of ``response_data``, or of an error when it is over ``maximum`` bytes."""
    body = orjson.dumps(response_data)
    if len(body) <= maximum:
        return body
    logger.warning(
        "an answer of %d bytes was refused (HUB_MAX_RESPONSE_BYTES=%d)", len(body), maximum
    )
    error = too_large(len(body), maximum)
    # A batch still gets one answer per operation.
    refused = [error] * len(response_data) if isinstance(response_data, list) else error
    return orjson.dumps(refused)
