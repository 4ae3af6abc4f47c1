"""The playground's HTTP server, standard library only: the page's three static files and a small JSON API.

    GET  /, /playground.js, /playground.css   the page (nothing else is served from disk)
    GET  /api/state?view=output|gradient      everything the page draws, for the current run
    POST /api/config   {field: value, ...}    a new run (fields not given take their defaults)
    POST /api/step     {"batches": N, "view": "output"|"gradient"}   train N batches, answer what changed
    POST /api/reset    {}                     the same run from the start
    GET  /api/export?flavor=tinygrad_acts|keras[&epochs=N]   the run as a Python script

Every request is checked once, here, before the session sees it: the Host header must name the address the server
listens on (a web page elsewhere cannot reach it through DNS rebinding), bodies are JSON objects of at most 64 KB
with known fields of the right types, and nothing from a request is ever evaluated. A refused request gets a 400
(403 for a foreign Host) with {"error": ..., "field": ...} and changes nothing.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .session import ConfigError, Session, check_step, check_view

MAX_BODY = 64 * 1024
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
          "/playground.css": ("playground.css", "text/css; charset=utf-8")}  # the only files ever served
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'"}


class PlaygroundServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding one Session; a lock lets one request at a time touch it."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 8000):
        super().__init__((host, port), Handler)
        self.session = Session()
        self.lock = threading.Lock()
        self.port = self.server_address[1]
        names = {"127.0.0.1", "localhost", host.lower()}
        self.allowed_hosts = {f"{name}:{self.port}" for name in names}
        self.url = f"http://{host}:{self.port}/"


class RequestError(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


class Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    server_version = "tinygrad-acts-playground"
    sys_version = ""

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

    def _body(self) -> Any:
        """The request's JSON body (an empty body is {}), at most MAX_BODY bytes."""
        length_header = self.headers.get("Content-Length", "0")
        if not length_header.isdigit():
            raise RequestError(400, "Content-Length", f"expected a byte count, got {length_header!r}")
        length = int(length_header)
        if length > MAX_BODY:
            self.close_connection = True  # the body stays unread
            raise RequestError(400, "body", f"the body has {length} bytes; at most {MAX_BODY} are accepted")
        raw = self.rfile.read(length) if length else b"{}"
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError) as error:
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
        except Exception as error:  # a bug of ours: say so, and keep serving
            self._error(500, "server", f"{type(error).__name__}: {error}")

    def _get(self, path: str) -> None:
        if path in STATIC:
            name, content_type = STATIC[path]
            self._send(200, (resources.files("tinygrad_acts.playground") / "static" / name).read_bytes(), content_type)
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        elif path == "/api/state":
            view = check_view(self._query(("view",)))
            with self.server.lock:
                self._json(200, self.server.session.state(view))
        elif path == "/api/export":
            query = self._query(("flavor", "epochs"))
            flavor = query.get("flavor", "tinygrad_acts")
            epochs = query.get("epochs")
            if epochs is not None and not (epochs.isdigit() and 1 <= int(epochs) <= 100_000):
                raise RequestError(400, "epochs", f"expected an integer from 1 to 100000, got {epochs!r}")
            with self.server.lock:
                script = self.server.session.export(flavor, None if epochs is None else int(epochs))
            filename = "playground_keras.py" if flavor == "keras" else "playground_tinygrad_acts.py"
            self._send(200, script.encode(), "text/x-python; charset=utf-8",
                       {"Content-Disposition": f'inline; filename="{filename}"'})
        else:
            raise RequestError(404, "path", f"nothing here: {path!r}")

    def _post(self, path: str) -> None:
        if path not in ("/api/config", "/api/step", "/api/reset"):
            raise RequestError(404, "path", f"nothing to post to at {path!r}")
        body = self._body()
        session = self.server.session
        with self.server.lock:
            if path == "/api/config":
                session.configure(body)  # checks everything first: a refused config leaves the run as it was
                self._json(200, session.state())
            elif path == "/api/step":
                batches, view = check_step(body)
                self._json(200, session.step(batches, view))
            else:
                view = check_view(body)
                session.reset()
                self._json(200, session.state(view))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
