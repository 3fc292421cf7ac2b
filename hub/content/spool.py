"""A list kept on disk: what an import holds between its passes, so memory stays bounded.

An import checks the whole file before it writes anything, and tells plugins about its changes
only after the commit; the checked records and the content events in between would be the
whole file again in memory. A :class:`Spool` keeps them in an anonymous temporary file instead,
pickled a batch at a time, and gives them back in the same order, a batch at a time.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Generic, TypeVar

T = TypeVar("T")

#: Items pickled together: large enough for pickle to be fast, small enough to stay cheap.
SPOOL_BATCH = 500


class Spool(Generic[T]):
    """Items appended one at a time, read back in batches, in order; a closed spool is gone."""

    def __init__(self, name: str = "records") -> None:
        #: In the temporary file's name: what an import holds on disk shows in ``/proc/PID/fd``.
        self.name = name
        self._file: IO[bytes] | None = None
        self._pending: list[T] = []
        self.count = 0

    def append(self, item: T) -> None:
        self._pending.append(item)
        self.count += 1
        if len(self._pending) >= SPOOL_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._file is None:
            # Deleted by the system as soon as it is closed, even when the process is killed.
            self._file = tempfile.TemporaryFile(prefix=f"hub-import-{self.name}-")  # noqa: SIM115 (kept open)
        pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending = []

    def batches(self, size: int) -> Iterator[list[T]]:
        """Every item appended so far, in lists of at most ``size``."""
        self._flush()
        batch: list[T] = []
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    stored: list[T] = pickle.load(self._file)
                except EOFError:
                    break
                for item in stored:
                    batch.append(item)
                    if len(batch) >= size:
                        yield batch
                        batch = []
            self._file.seek(0, 2)  # appending may go on after a read
        if batch:
            yield batch

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._pending = []
