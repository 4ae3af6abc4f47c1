"""The playground's HTTP server, standard library only: the page's three static files and a small JSON API.

    GET  /, /playground.js, /playground.css   the page (nothing else is served from disk)
    POST /api/session  {field: value, ...}    open a run for this tab (fields not given take their defaults); the
                                              answer's "session" is the id every request below sends as X-Session
    GET  /api/state?view=output|gradient      everything the page draws, for the tab's run
    POST /api/config   {field: value, ...}    learning rate, regularization, its rate, batch size: from the next
                                              step; any other change: a new run ("restarted": true)
                                              (?view= on /api/session and /api/config as on /api/state)
    POST /api/step     {"batches": N, "view": "output"|"gradient"}   train N batches, answer what changed
    POST /api/reset    {"view": ...}          the same run from the start
    POST /api/weight   {"layer": i, "to": j, "from": k or null (the bias), "value": v}   set one weight (?view=)
    POST /api/close    {}                     forget the tab's run (the page sends it when it is closed)
    GET  /api/backprop?sample=N               one training point's backward pass, step by step (backprop.py)
    GET  /api/export?flavor=tinygrad_acts|keras[&epochs=N]   the run as a Python script

Safe by default, as OWASP advises for a server on localhost. Every request is checked once, here, before a run
sees it: the Host header must name the address the server listens on (a web page elsewhere cannot reach it through
DNS rebinding); a POST must say Content-Type: application/json (a form or a no-cors fetch from another site cannot)
and, when the browser sends Origin, come from this page's origin; bodies are JSON objects of at most 64 KB nested
at most 8 deep, with known fields of the right types; nothing from a request is ever evaluated. A refused request
gets a 400 (403 for a foreign Host, Origin or content type) with {"error": ..., "field": ...} and changes nothing;
an unknown or expired run id gets a 410, a new run past the cap a 503 (tabs.py), each saying what to do.
A listen backlog of 128 and a 10 s timeout per connection let 50 clients connect at once and keep a slow or
half-sent request from holding anything but its own thread.
"""
from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .session import ConfigError, check_step, check_view
from .tabs import IDLE_SECONDS, MAX_SESSIONS, SessionError, Tabs

MAX_BODY = 64 * 1024
MAX_DEPTH = 8  # a configuration is 2 deep; json.loads itself fails (RecursionError) near 1000
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
          "/playground.css": ("playground.css", "text/css; charset=utf-8")}  # the only files ever served
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'"}
POSTS = ("/api/session", "/api/config", "/api/step", "/api/reset", "/api/weight", "/api/close")


class PlaygroundServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding one run per tab (Tabs); each request has its own thread."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog: socketserver's default of 5 resets a class's worth of clients

    def __init__(self, host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0,
                 idle_seconds: float = IDLE_SECONDS, max_sessions: int = MAX_SESSIONS):
        super().__init__((host, port), Handler)
        self.tabs = Tabs(idle_seconds, max_sessions)
        self.connection_timeout = timeout
        self.port = self.server_address[1]
        names = {"127.0.0.1", "localhost", host.lower()}
        self.allowed_hosts = {f"{name}:{self.port}" for name in names}
        self.allowed_origins = {f"http://{name}" for name in self.allowed_hosts}
        self.url = f"http://{host}:{self.port}/"


class RequestError(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


class Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    server_version = "tinygrad-acts-playground"
    sys_version = ""

    def setup(self) -> None:
        self.request.settimeout(self.server.connection_timeout)  # a half-sent request ends, not hangs
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows the URL only
        pass

    # --- answering -------------------------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **SECURITY_HEADERS,
                            **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value, separators=(",", ":"), allow_nan=False).encode(),
                   "application/json; charset=utf-8")

    def _error(self, status: int, field: str, message: str) -> None:
        self._json(status, {"error": message, "field": field})

    # --- checking --------------------------------------------------------------------------------------------------
    def _check_host(self) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.allowed_hosts:
            raise RequestError(403, "Host", f"this server answers requests for {sorted(self.server.allowed_hosts)}, "
                                            f"not for Host {host!r}")

    def _check_post(self) -> None:
        """A state-changing request: JSON (a form or a no-cors fetch cannot send it) from the page's own origin."""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        origin = self.headers.get("Origin")
        refusal = None
        if kind != "application/json":
            refusal = RequestError(403, "Content-Type", f"a POST must send Content-Type: application/json, "
                                                        f"not {kind or 'none'!r}")
        elif origin is not None and origin.lower() not in self.server.allowed_origins:
            refusal = RequestError(403, "Origin", f"requests from {origin!r} are refused: only this playground's "
                                                  f"own page ({self.server.url.rstrip('/')}) may change a run")
        if refusal is not None:
            self._discard_body()
            raise refusal

    def _discard_body(self) -> None:
        """Read a refused request's body (a small one) so that closing the connection does not reset it."""
        length = self.headers.get("Content-Length", "0")
        if length.isdigit() and int(length) <= MAX_BODY:
            self.rfile.read(int(length))
        else:
            self.close_connection = True

    def _body(self) -> Any:
        """The request's JSON body (an empty body is {}), at most MAX_BODY bytes and MAX_DEPTH levels deep."""
        length_header = self.headers.get("Content-Length", "0")
        if not length_header.isdigit():
            raise RequestError(400, "Content-Length", f"expected a byte count, got {length_header!r}")
        length = int(length_header)
        if length > MAX_BODY:
            self.close_connection = True  # the body stays unread
            raise RequestError(400, "body", f"the body has {length} bytes; at most {MAX_BODY} are accepted")
        raw = self.rfile.read(length) if length else b"{}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RequestError(400, "body", f"expected a JSON object in UTF-8: {error}") from None
        depth = json_depth(text)
        if depth > MAX_DEPTH:
            raise RequestError(400, "body", f"the JSON is nested {depth} deep; at most {MAX_DEPTH} is accepted")
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise RequestError(400, "body", f"expected a JSON object: {error}") from None

    def _query(self, known: tuple[str, ...]) -> dict[str, str]:
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        for name, values in query.items():
            if name not in known:
                raise RequestError(400, name, f"unknown query parameter; the known ones are {', '.join(known)}")
            if len(values) != 1:
                raise RequestError(400, name, "given more than once")
        return {name: values[0] for name, values in query.items()}

    # --- routes ----------------------------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        self._handle(self._post)

    def _handle(self, route: Any) -> None:
        try:
            self._check_host()
            route(urlsplit(self.path).path)
        except RequestError as error:
            self._error(error.status, error.field, error.message)
        except ConfigError as error:
            self._error(400, error.field, error.message)
        except SessionError as error:
            self._error(error.status, "session", error.message)
        except OSError:  # the client went away or timed out: nobody to answer
            self.close_connection = True
        except Exception as error:  # a bug of ours: say so, and keep serving
            self._error(500, "server", f"{type(error).__name__}: {error}")

    def _session_id(self) -> str | None:
        return self.headers.get("X-Session")

    def _get(self, path: str) -> None:
        if path in STATIC:
            name, content_type = STATIC[path]
            self._send(200, (resources.files("tinygrad_acts.playground") / "static" / name).read_bytes(), content_type)
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        elif path == "/api/state":
            view = check_view(self._query(("view",)))
            with self.server.tabs.use(self._session_id()) as session:
                self._json(200, session.state(view))
        elif path == "/api/backprop":
            sample = self._query(("sample",)).get("sample", "0")
            if not (sample.isdigit() and len(sample) <= 6):
                raise RequestError(400, "sample", f"expected the index of a training point, got {sample!r}")
            with self.server.tabs.use(self._session_id()) as session:
                self._json(200, session.backprop(int(sample)))
        elif path == "/api/export":
            query = self._query(("flavor", "epochs"))
            flavor = query.get("flavor", "tinygrad_acts")
            epochs = query.get("epochs")
            if epochs is not None and not (epochs.isdigit() and 1 <= int(epochs) <= 100_000):
                raise RequestError(400, "epochs", f"expected an integer from 1 to 100000, got {epochs!r}")
            with self.server.tabs.use(self._session_id()) as session:
                script = session.export(flavor, None if epochs is None else int(epochs))
            filename = "playground_keras.py" if flavor == "keras" else "playground_tinygrad_acts.py"
            self._send(200, script.encode(), "text/x-python; charset=utf-8",
                       {"Content-Disposition": f'inline; filename="{filename}"'})
        else:
            raise RequestError(404, "path", f"nothing here: {path!r}")

    def _post(self, path: str) -> None:
        if path not in POSTS:
            raise RequestError(404, "path", f"nothing to post to at {path!r}")
        self._check_post()
        view = check_view(self._query(("view",)))  # the picture to answer with, for a session or a config
        body = self._body()
        tabs = self.server.tabs
        if path == "/api/session":
            key, _ = tabs.open(body)  # checks everything first: a refused config opens nothing
            with tabs.use(key) as session:
                self._json(200, {"session": key, "idle_seconds": tabs.idle_seconds, **session.state(view)})
        elif path == "/api/close":
            check_view(body)
            self._json(200, {"closed": tabs.close(self._session_id())})
        else:
            with tabs.use(self._session_id()) as session:
                if path == "/api/config":
                    restarted = session.configure(body)  # a refused config leaves the run as it was
                    self._json(200, {"restarted": restarted, **session.state(view)})
                elif path == "/api/step":
                    batches, view = check_step(body)
                    self._json(200, session.step(batches, view))
                elif path == "/api/weight":
                    session.set_weight(body)
                    self._json(200, session.snapshot(view))
                else:
                    view = check_view(body)
                    session.reset()
                    self._json(200, session.state(view))


def json_depth(text: str) -> int:
    """How deep [ and { nest in a JSON text, brackets inside strings not counted; read without recursion."""
    depth = deepest = 0
    for bracket in re.sub(r"[^][{}]", "", re.sub(r'"(?:[^"\\]|\\.)*"', "", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
