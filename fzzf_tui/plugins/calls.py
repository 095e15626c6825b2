"""Running plugin code with a time limit: each call in its own daemon thread, abandoned when late.

Python cannot kill a thread. A call that does not finish before the deadline is *abandoned*:
the caller stops waiting, its results are discarded, and its ``register`` callback is closed
(a late ``register(...)`` raises :class:`Abandoned` inside the plugin's thread, which ends
most loops that keep registering). The thread is a daemon, so it never keeps the process
alive; it runs on in the background until it returns or the program exits. A plugin stuck in
a C call that holds the GIL cannot be interrupted this way — only a separate process could.

Several calls of one hook run side by side and share one deadline, so however many plugins
hang, a hook costs at most one time limit.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

DEFAULT_TIMEOUT = 5.0
TIMEOUT_ENV = "FZZF_HOOK_TIMEOUT"


def hook_timeout() -> float:
    """Seconds a plugin call may take: ``$FZZF_HOOK_TIMEOUT`` (a positive number) or 5."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value < 86400 else DEFAULT_TIMEOUT


def seconds_text(seconds: float) -> str:
    return f"{seconds:g} 秒"


class Abandoned(Exception):
    """Raised inside a plugin's thread when it registers after its call was abandoned."""


@dataclass
class Call:
    """One plugin's share of one hook call (or one plugin import)."""

    plugin: str
    label: str  # hook name or "导入"
    target: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    staged: list[Any] = field(default_factory=list)  # what the plugin registered
    result: Any = None
    error: BaseException | None = None
    finished: bool = False
    abandoned: bool = False
    elapsed: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def stage(self, value: Any) -> None:
        """Keep one registered value, unless the call was already abandoned."""
        with self._lock:
            if self.abandoned:
                raise Abandoned(f"插件 {self.plugin} 的 {self.label} 已超时被放弃，登记无效")
            self.staged.append(value)

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            result = self.target(**self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - a plugin may raise anything, even SystemExit
            with self._lock:
                self.error = exc
                self.finished = True
        else:
            with self._lock:
                self.result = result
                self.finished = True
        finally:
            self.elapsed = time.perf_counter() - start

    def settle(self) -> bool:
        """Decide once: finished in time (True) or abandoned from now on (False)."""
        with self._lock:
            if not self.finished:
                self.abandoned = True
            return self.finished


def run_limited(calls: list[Call], timeout: float | None = None) -> None:
    """Run every call in a daemon thread and wait for them all, ``timeout`` seconds in total.

    Afterwards each call is either ``finished`` (``result`` or ``error`` set) or ``abandoned``.
    """
    if not calls:
        return
    limit = hook_timeout() if timeout is None else timeout
    threads = []
    for call in calls:
        name = f"fzzf-plugin:{call.plugin}:{call.label}"
        thread = threading.Thread(target=call._run, name=name, daemon=True)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + limit
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    for call in calls:
        call.settle()


def run_direct(call: Call) -> None:
    """Run a trusted (built-in) call in the current thread, same bookkeeping as :func:`run_limited`."""
    call._run()
    call.settle()
