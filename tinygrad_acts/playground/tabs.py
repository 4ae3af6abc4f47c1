"""The live runs, one per browser tab: each page load opens a Session under an unguessable id that the page sends
with every request. A run idle for IDLE_SECONDS is forgotten; at most MAX_SESSIONS live at once. No HTTP here.

Memory: a run holds its data (at most 1200 points), its features over the 50 x 50 grid, a network of at most 6
layers of 8 units and a loss history of at most 2000 points: 0.23 MB for the largest network with all seven
features after 300 epochs (tests/playground/test_tabs.py measures it), so the cap of 32 runs stays under 10 MB.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .session import Session

IDLE_SECONDS = 30 * 60  # a run not asked about for 30 minutes is forgotten
MAX_SESSIONS = 32  # live runs at once
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # what secrets.token_urlsafe(16) gives


class SessionError(Exception):
    """A request about a run that cannot be served: ``status`` is 410 for an unknown or expired id, 503 at the cap."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Tab:
    session: Session
    last_used: float
    lock: threading.Lock = field(default_factory=threading.Lock)  # one request at a time touches a run


class Tabs:
    """The runs by id. ``open`` starts one, ``use`` lends one to a request (under its own lock, so two tabs train
    at once), ``close`` forgets one; idle runs are forgotten whenever a run is opened or used."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS, max_sessions: int = MAX_SESSIONS,
                 clock: Callable[[], float] = time.monotonic):
        self.idle_seconds, self.max_sessions, self.clock = idle_seconds, max_sessions, clock
        self._tabs: dict[str, Tab] = {}
        self._lock = threading.Lock()  # guards the dictionary only; a run's work happens outside it

    def __len__(self) -> int:
        with self._lock:
            return len(self._tabs)

    def _expire(self, now: float) -> None:
        for key in [key for key, tab in self._tabs.items() if now - tab.last_used > self.idle_seconds]:
            del self._tabs[key]

    def open(self, config: Any) -> tuple[str, Session]:
        """A new run from a configuration (checked by Session: a ConfigError opens nothing)."""
        with self._lock:
            self._expire(self.clock())
            if len(self._tabs) >= self.max_sessions:
                raise SessionError(503, f"{len(self._tabs)} runs are open on this server, the most it keeps "
                                        f"({self.max_sessions}). Close another playground tab, or wait: a run "
                                        f"idle for {self.idle_seconds / 60:g} minutes is closed.")
        session = Session(config)  # built outside the lock: other tabs keep training meanwhile
        key = secrets.token_urlsafe(16)
        with self._lock:
            if len(self._tabs) >= self.max_sessions:  # others opened while this one was built
                raise SessionError(503, f"{len(self._tabs)} runs are open on this server, the most it keeps "
                                        f"({self.max_sessions}). Close another playground tab and try again.")
            self._tabs[key] = Tab(session, self.clock())
        return key, session

    @contextmanager
    def use(self, key: str | None) -> Iterator[Session]:
        """The run with this id, for the length of one request."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            tab = self._tabs.get(key) if key is not None and ID_PATTERN.fullmatch(key) else None
            if tab is None:
                raise SessionError(410, f"no run with this id: runs idle for {self.idle_seconds / 60:g} minutes "
                                        f"are closed, and a restarted server has none. Reload the page for a new "
                                        f"one.")
            tab.last_used = now
        with tab.lock:
            yield tab.session

    def close(self, key: str | None) -> bool:
        with self._lock:
            return self._tabs.pop(key, None) is not None if key is not None else False
