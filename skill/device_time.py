"""The device's time zone, from the Alexa Settings API, so "today" means the person's today.

When the Settings API cannot answer, the skill uses the zone that device last
reported for the journal (see ``Turn.zone``); this module only says whether
it could find out.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from datetime import timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .alexa_api import endpoint_allowed

log = logging.getLogger(__name__)

# Alexa gives a skill 8 seconds in all; a slow settings lookup must not eat them.
LOOKUP_TIMEOUT = 0.8
CACHE_SECONDS = 3600
# After a failed lookup, wait this long before asking about that device again.
RETRY_SECONDS = 60
CACHE_ENTRIES = 4096
MAX_ANSWER_BYTES = 1024


class TimeZoneLookup:
    """Asks the Settings API for a device's zone and caches the answer (a failure for a minute)."""

    def __init__(
        self,
        timeout: float = LOOKUP_TIMEOUT,
        ttl: float = CACHE_SECONDS,
        entries: int = CACHE_ENTRIES,
        allow_http: bool = False,
    ):
        self.timeout = timeout
        # Plain HTTP only for unsigned requests (a development server): see skill.alexa_api.
        self.allow_http = allow_http
        self.ttl = ttl
        self.entries = entries
        self._cache: OrderedDict[str, tuple[float, tzinfo | None]] = OrderedDict()
        # Which zone each journal is known to have stored (by journal name, hashes only): a
        # request whose zone is already stored costs no read and no write.
        self._stored: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def zone(self, api_endpoint: str | None, device_id: str | None, access_token: str | None) -> tzinfo:
        """The device's zone; UTC when it cannot be known. Never raises."""
        return self.lookup(api_endpoint, device_id, access_token) or timezone.utc

    def lookup(self, api_endpoint: str | None, device_id: str | None, access_token: str | None) -> tzinfo | None:
        """The device's zone; None when it cannot be known now. Never raises."""
        if not (isinstance(api_endpoint, str) and isinstance(device_id, str) and isinstance(access_token, str)):
            return None
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(device_id)
            if cached is not None and cached[0] > now:
                self._cache.move_to_end(device_id)
                return cached[1]
        zone = self._ask(api_endpoint, device_id, access_token)
        with self._lock:
            self._cache[device_id] = (now + (self.ttl if zone is not None else RETRY_SECONDS), zone)
            self._cache.move_to_end(device_id)
            while len(self._cache) > self.entries:
                self._cache.popitem(last=False)
        return zone

    def stored(self, journal: str) -> str | None:
        """The zone this process last saw stored for a journal (within the cache time), if any."""
        with self._lock:
            entry = self._stored.get(journal)
            if entry is None or entry[0] <= time.monotonic():
                return None
            return entry[1]

    def note_stored(self, journal: str, zone_name: str) -> None:
        with self._lock:
            self._stored[journal] = (time.monotonic() + self.ttl, zone_name)
            self._stored.move_to_end(journal)
            while len(self._stored) > self.entries:
                self._stored.popitem(last=False)

    def _ask(self, api_endpoint: str, device_id: str, access_token: str) -> tzinfo | None:
        if not endpoint_allowed(api_endpoint, self.allow_http):
            log.info("time zone lookup skipped: the request's apiEndpoint is not %s", "an http(s) URL" if self.allow_http else "HTTPS")
            return None
        url = (
            f"{api_endpoint.rstrip('/')}/v2/devices/{urllib.parse.quote(device_id, safe='')}"
            "/settings/System.timeZone"
        )
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                name = json.loads(response.read(MAX_ANSWER_BYTES))
            if not isinstance(name, str):
                raise ValueError("the answer is not a zone name")
            return ZoneInfo(name)
        except urllib.error.HTTPError as exc:
            log.info("time zone lookup answered %s", exc.code)
        except (OSError, ValueError, ZoneInfoNotFoundError) as exc:
            # OSError covers timeouts, refused connections and DNS failures.
            log.info("time zone lookup failed (%s)", type(exc).__name__)
        return None


def zone_named(name: object) -> tzinfo | None:
    """The zone a stored name names; None for anything else."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
