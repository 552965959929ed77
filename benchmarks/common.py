"""What every benchmark part shares: percentiles, tables, the machine description, request bodies."""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REQUESTS = REPO / "tests" / "requests"
SAMPLE_USER = "amzn1.ask.account.AGLIMMERSAMPLEUSER0000000000000000000000000000000000000000"
SAMPLE_DEVICE = "amzn1.ask.device.AGLIMMERSAMPLEDEVICE000000"

# What people tell the journal in the benchmarks: varied lengths, some non-ASCII.
TEXTS = (
    "the warm sun on my face",
    "a stranger smiled at me on the bus",
    "the smell of coffee before anyone else was up",
    "my cat asleep on the warm laundry",
    "rain on the window while I read",
    "a song from when I was twelve came on the radio and I knew every word",
    "the first snow on the rooftops",
    "café au lait with an old friend",
    "my daughter laughing at her own joke",
    "the quiet after the dishwasher finished",
    "the light through the leaves on the walk home, green and gold and moving",
    "sinking into the couch after a long day",
)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile by nearest rank (the p99 of 100 samples is the largest but one)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one letter per column, l or r (default: first l, rest r)."""
    align = align or "l" + "r" * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(seconds: float | None, digits: int = 2) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.{digits}f}"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_request(name: str) -> dict[str, Any]:
    return json.loads((REQUESTS / f"{name}.json").read_text(encoding="utf-8"))


def request_for(
    template: dict[str, Any],
    user_id: str,
    request_id: str,
    text: str | None = None,
    api_endpoint: str | None = None,
    device_id: str | None = None,
) -> dict[str, Any]:
    """A copy of a sample request from another user, with another glimmer text.

    Without ``api_endpoint`` the request carries none, so the skill never asks
    the Alexa Settings API for the device's time zone (it uses UTC).
    """
    envelope = json.loads(json.dumps(template))
    system = envelope["context"]["System"]
    system["user"]["userId"] = user_id
    envelope["session"]["user"]["userId"] = user_id
    envelope["request"]["requestId"] = request_id
    if api_endpoint is None:
        system.pop("apiEndpoint", None)
    else:
        system["apiEndpoint"] = api_endpoint
    if device_id is not None:
        system["device"]["deviceId"] = device_id
    if text is not None:
        slot = envelope["request"]["intent"]["slots"]["glimmer"]
        slot["value"] = text
        slot["slotValue"] = {"type": "Simple", "value": text}
    return envelope


# -- the machine -------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def memory_total() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def filesystem_of(path: Path) -> str:
    """Device, type and mount options of the file system holding ``path``."""
    real = os.path.realpath(path)
    best = None
    for line in _read("/proc/mounts").splitlines():
        parts = line.split()
        if len(parts) >= 4 and (real == parts[1] or real.startswith(parts[1].rstrip("/") + "/")):
            if best is None or len(parts[1]) > len(best[1]):
                best = parts
    if best is None:
        return "unknown"
    device, mount, fstype, options = best[:4]
    return f"{fstype} on {device} (mounted at {mount}, options {options})"


def wrk_version(wrk: str | None) -> str | None:
    if wrk is None:
        return None
    try:
        out = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0].split(" Copyright")[0] if text else "wrk"


def machine(tmp: Path, postgres: Any = None) -> list[tuple[str, str]]:
    """What the numbers were measured on (``postgres``: a started ``pg.Postgres``, if the run has one)."""
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    wrk = shutil.which("wrk")
    packages = ("flask", "gunicorn", "ask-sdk-core", "tinydb", "psycopg", "psycopg-pool")
    rows = [
        ("date", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{cpu_model()}, {os.cpu_count()} logical cores"),
        ("memory", memory_total()),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("packages", ", ".join(f"{n} {version(n)}" for n in packages)),
        ("data folder file system", filesystem_of(tmp)),
    ]
    if postgres is not None:
        rows.append(("database", postgres.describe()))
        data = postgres.data_directory()
        if data is not None and Path(data).exists():
            rows.append(("database file system", filesystem_of(data)))
    rows.append(("load generator", wrk_version(wrk) or "Python threads (wrk not found)"))
    return rows
