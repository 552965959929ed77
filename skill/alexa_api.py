"""Calling the Alexa APIs a request names (Settings, Reminders): only where Alexa said, never for long.

Every request from Alexa carries ``context.System.apiEndpoint``, the base URL
of the Alexa APIs for the person's region (``https://api.amazonalexa.com``,
``https://api.eu.amazonalexa.com``, ...). A verifying server has checked that
the request was signed by Alexa, so that endpoint is Alexa's; it must still be
HTTPS. A development server (``--dev``) takes unsigned requests from anyone,
so an endpoint there may be plain HTTP (a local stand-in such as the one
``glimmers chat`` serves): there is nothing to protect in a local test.

``AlexaApiClient`` is the ask-sdk-model ``ApiClient`` the skill builder hands
to ask-sdk-core's service clients (``handler_input.service_client_factory``):
unlike the SDK's ``DefaultApiClient`` it has a deadline, follows no
redirects, reads a bounded answer, and refuses any endpoint the policy above
does not allow.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
import urllib.parse

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

log = logging.getLogger(__name__)

# Alexa gives a skill 8 seconds in all; one API call gives up well before 2.
API_TIMEOUT = 1.5
MAX_ANSWER_BYTES = 64 * 1024


class EndpointRefused(ValueError):
    """An API endpoint this server must not call (not HTTPS on a verifying server, or not a URL)."""


def endpoint_allowed(url: object, allow_http: bool) -> bool:
    """Whether this server may call ``url``: HTTPS always, plain HTTP only on a development server."""
    if not isinstance(url, str):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    if not parts.netloc or parts.username is not None or parts.password is not None:
        return False
    return parts.scheme == "https" or (allow_http and parts.scheme == "http")


class AlexaApiClient(ApiClient):
    """An ``ApiClient`` with a deadline per call, for the endpoints ``endpoint_allowed`` allows."""

    def __init__(self, allow_http: bool = False, timeout: float = API_TIMEOUT, max_bytes: int = MAX_ANSWER_BYTES):
        self.allow_http = allow_http
        self.timeout = timeout
        self.max_bytes = max_bytes

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """The API's answer, whatever its status; an exception when there is none (refused, slow, unreachable)."""
        url = request.url
        if not endpoint_allowed(url, self.allow_http):
            log.warning("refused to call an Alexa API endpoint that is not %s", "http(s)" if self.allow_http else "HTTPS")
            raise EndpointRefused("the request's apiEndpoint is not one this server may call")
        parts = urllib.parse.urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        deadline = time.monotonic() + self.timeout
        connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_type(parts.netloc, timeout=self.timeout)
        try:
            body = request.body
            if body is not None and not isinstance(body, (str, bytes)):
                body = json.dumps(body)  # the service client hands over the serialized model, not its JSON text
            if isinstance(body, str):
                body = body.encode("utf-8")
            headers = {name: value for name, value in request.headers or []}
            headers.setdefault("Accept", "application/json")
            if body is not None:
                headers.setdefault("Content-Type", "application/json")
            connection.request(request.method or "GET", path, body=body, headers=headers)
            _within(connection, deadline)
            answer = connection.getresponse()
            chunks, size = [], 0
            while size <= self.max_bytes:
                _within(connection, deadline)
                chunk = answer.read1(16 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            if size > self.max_bytes:
                raise ValueError(f"the answer is longer than {self.max_bytes} bytes")
            text = b"".join(chunks).decode("utf-8", "replace")
            return ApiClientResponse(headers=list(answer.getheaders()), body=text, status_code=answer.status)
        finally:
            connection.close()


def _within(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket operation wait only until the call's deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("the Alexa API did not answer in time")
    if connection.sock is not None:
        connection.sock.settimeout(left)
