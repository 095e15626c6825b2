"""An exclusive, non-blocking OS lock on a file, which the OS drops when its process dies.

* POSIX: ``fcntl.flock`` on the lock file's own open file description, so a second open in the
  same process conflicts too;
* Windows: ``msvcrt.locking`` of the lock file's first byte, on its own handle.

The lock file is never deleted: deleting it on release would let a late opener lock a name
that is no longer the file another process holds.

This was ``filelock``. Its import alone (11–15 ms, four dataclasses built at import) was 3–4 %
of the TUI's first frame, which has to take the lock before it can draw (#13); what the
inspection lock needs from it is the ~40 lines below.
"""

from __future__ import annotations

import errno
import os
import sys

_BUSY = {errno.EACCES, errno.EAGAIN, getattr(errno, "EWOULDBLOCK", errno.EAGAIN), getattr(errno, "EDEADLK", -1),
         getattr(errno, "EDEADLOCK", -1)}

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockBusy(Exception):
    """Another holder (another process, or another lock object in this one) has the lock."""


class FileLock:
    """``acquire()`` takes the lock at once or raises :class:`LockBusy`; ``release()`` drops it.

    Any other failure (a read-only folder, a file system without locks) is the ``OSError``
    itself, for the caller to report with the file's name."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._fd: int | None = None

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError:
            if sys.platform == "win32":  # a holder's handle may deny this open while it closes
                raise LockBusy(self.path) from None
            raise
        try:
            _try_lock(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _BUSY:
                raise LockBusy(self.path) from None
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        except OSError:
            pass  # closing the descriptor below drops the lock all the same
        finally:
            os.close(fd)
