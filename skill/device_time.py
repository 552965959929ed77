"""The device's time zone, from the Alexa Settings API, so "today" means the person's today."""

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

log = logging.getLogger(__name__)

# Alexa gives a skill 8 seconds in all; a slow settings lookup must not eat them.
LOOKUP_TIMEOUT = 0.8
CACHE_SECONDS = 3600
# After a failed lookup, wait this long before asking about that device again.
RETRY_SECONDS = 60
CACHE_ENTRIES = 4096
MAX_ANSWER_BYTES = 1024


class TimeZoneLookup:
    """Asks the Settings API for a device's zone, caches the answer, falls back to UTC."""

    def __init__(self, timeout: float = LOOKUP_TIMEOUT, ttl: float = CACHE_SECONDS, entries: int = CACHE_ENTRIES):
        self.timeout = timeout
        self.ttl = ttl
        self.entries = entries
        self._cache: OrderedDict[str, tuple[float, tzinfo]] = OrderedDict()
        self._lock = threading.Lock()

    def zone(self, api_endpoint: str | None, device_id: str | None, access_token: str | None) -> tzinfo:
        """The device's zone; UTC when it cannot be known. Never raises."""
        if not (isinstance(api_endpoint, str) and isinstance(device_id, str) and isinstance(access_token, str)):
            return timezone.utc
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(device_id)
            if cached is not None and cached[0] > now:
                self._cache.move_to_end(device_id)
                return cached[1]
        zone, ok = self._ask(api_endpoint, device_id, access_token)
        with self._lock:
            self._cache[device_id] = (now + (self.ttl if ok else RETRY_SECONDS), zone)
            self._cache.move_to_end(device_id)
            while len(self._cache) > self.entries:
                self._cache.popitem(last=False)
        return zone

    def _ask(self, api_endpoint: str, device_id: str, access_token: str) -> tuple[tzinfo, bool]:
        parsed = urllib.parse.urlsplit(api_endpoint)
        if parsed.scheme not in ("https", "http") or not parsed.netloc:
            log.info("time zone lookup skipped: the request's apiEndpoint is not an http(s) URL")
            return timezone.utc, False
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
            return ZoneInfo(name), True
        except urllib.error.HTTPError as exc:
            log.info("time zone lookup answered %s; using UTC", exc.code)
        except (OSError, ValueError, ZoneInfoNotFoundError) as exc:
            # OSError covers timeouts, refused connections and DNS failures.
            log.info("time zone lookup failed (%s); using UTC", type(exc).__name__)
        return timezone.utc, False
