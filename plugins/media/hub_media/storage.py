"""Where images are kept: the storage protocol and the default, files under HUB_DATA_DIR."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

CHUNK_BYTES = 1024 * 1024


class MediaStorage(Protocol):
    """Keys are relative POSIX paths (``originals/ab12.jpg``); the hub makes them, never a user."""

    def save(self, key: str, source: BinaryIO, content_type: str) -> None: ...

    def load(self, key: str, into: BinaryIO) -> bool: ...

    def delete(self, key: str) -> None: ...

    def delete_all(self, prefix: str) -> None: ...


def checked_key(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    if path.is_absolute() or not path.parts or any(part in {"", ".", ".."} for part in path.parts):
        raise ValueError(f"not a storage key: {key!r}")
    return path


class FileStorage:
    """Files under one folder, written whole to a temporary file and renamed into place, so a
    reader never sees half a file and a crash leaves none behind."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        """Where the file of ``key`` is (or would be)."""
        return self.root.joinpath(*checked_key(key).parts)

    def save(self, key: str, source: BinaryIO, content_type: str) -> None:
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK_BYTES)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def load(self, key: str, into: BinaryIO) -> bool:
        try:
            with self.path_of(key).open("rb") as stored:
                shutil.copyfileobj(stored, into, CHUNK_BYTES)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    def delete_all(self, prefix: str) -> None:
        shutil.rmtree(self.path_of(prefix), ignore_errors=True)
