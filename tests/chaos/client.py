"""The chaos suite's HTTP client: loopback only, bounded in time, never raising for a status."""

import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    status: int | None  # None: no answer at all (connection refused or reset, timed out)
    headers: dict
    body: object  # parsed JSON, or the text when it is not JSON
    elapsed: float
    error: str = ""

    @property
    def is_json(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/json")


class Api:
    def __init__(self, base_url: str, token: str | None = None):
        assert base_url.startswith("http://127.0.0.1:"), "chaos traffic stays on loopback"
        self.base_url, self.token = base_url, token

    def call(self, method, path, body=None, *, key=None, timeout=40, headers=None) -> Answer:
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        if key:
            sent["Idempotency-Key"] = key
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data, sent, method=method)
        started = time.monotonic()
        try:
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return _answer(response.status, response.headers, response.read(), started)
            except urllib.error.HTTPError as error:
                return _answer(error.code, error.headers, error.read(), started)
        # A worker killed while it sends the answer leaves a status line and a cut body
        # (IncompleteRead): the client has no answer, as if the connection had been reset.
        except (TimeoutError, OSError, urllib.error.URLError, http.client.HTTPException) as exc:
            return Answer(
                None, {}, None, time.monotonic() - started, f"{type(exc).__name__}: {exc}"
            )

    def get(self, path, **kwargs) -> Answer:
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs) -> Answer:
        return self.call("POST", path, body, **kwargs)


def _answer(status, headers, raw: bytes, started: float) -> Answer:
    headers = {k.lower(): v for k, v in headers.items()}
    text = raw.decode(errors="replace")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    return Answer(status, headers, body, time.monotonic() - started)
