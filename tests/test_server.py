"""``glimmers serve``: gunicorn's master and its threaded workers, on one port.

Real processes throughout: the master and its workers are started through
the installed ``glimmers`` command, and killed with real signals.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import load_request
from servers import GLIMMERS, Server, free_port
from skill.storage import TinyDBStore, JournalKey

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="--workers needs fork")

USER = "amzn1.ask.account.WORKERSUSER"


def workers_of(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").glob("*/children") for child in task.read_text().split()]


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def speech_of(body: dict) -> str:
    return body["response"]["outputSpeech"]["ssml"]


def test_workers_share_the_port_and_every_glimmer_is_saved_once(tmp_path):
    server = Server("--dev", "--data-dir", str(tmp_path), "--workers", "3", "--threads", "2")
    try:
        assert len(wait_for(lambda: len(workers_of(server.pid)) == 3 and workers_of(server.pid))) == 3
        failures: list[str] = []

        def record(n: int) -> None:
            for k in range(10):
                text = f"moment c{n} k{k}"
                status, body, _ = server.post(load_request("record_glimmer", glimmer=text, user=USER))
                if status != 200 or text not in speech_of(body):
                    failures.append(text)

        clients = [threading.Thread(target=record, args=(n,)) for n in range(8)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=60)
        assert not failures
        saved = [g.text for g in TinyDBStore(tmp_path).glimmers(JournalKey(USER, None))]
        assert sorted(saved) == sorted(f"moment c{n} k{k}" for n in range(8) for k in range(10))
    finally:
        log = server.stop()
    # Every line names its worker, and more than one worker answered.
    answered_by = set(re.findall(r"INFO skill\.web\[(\d+)\]: ", log))
    assert len(answered_by) >= 2, log[-2000:]
    assert answered_by <= set(re.findall(r"Booting worker with pid: (\d+)", log))
    assert "Traceback" not in log and " ERROR " not in log


def test_a_worker_that_dies_is_replaced_and_the_server_keeps_answering(tmp_path):
    server = Server("--dev", "--data-dir", str(tmp_path), "--workers", "2")
    try:
        first = wait_for(lambda: len(workers_of(server.pid)) == 2 and workers_of(server.pid))
        os.kill(first[0], signal.SIGKILL)
        replaced = wait_for(lambda: len(workers_of(server.pid)) == 2 and first[0] not in workers_of(server.pid)
                            and workers_of(server.pid))
        assert first[1] in replaced
        for _ in range(6):  # new connections, spread over both workers
            status, body, _ = server.post(load_request("record_glimmer", glimmer="still here", user=USER))
            assert status == 200 and "still here" in speech_of(body)
    finally:
        log = server.stop()
    assert f"Worker (pid:{first[0]}) was sent SIGKILL" in log


def test_sigterm_stops_the_supervisor_and_every_worker(tmp_path):
    server = Server("--dev", "--data-dir", str(tmp_path), "--workers", "2")
    workers = wait_for(lambda: len(workers_of(server.pid)) == 2 and workers_of(server.pid))
    server.process.terminate()
    assert server.process.wait(timeout=15) == 0
    log = server.stop()
    assert wait_for(lambda: all(gone(pid) for pid in workers))
    assert "Traceback" not in log


def test_ctrl_c_stops_everything_without_a_traceback(tmp_path):
    server = Server("--dev", "--data-dir", str(tmp_path), "--workers", "2")
    workers = wait_for(lambda: len(workers_of(server.pid)) == 2 and workers_of(server.pid))
    for pid in [server.pid, *workers]:  # what a terminal sends to the whole process group
        os.kill(pid, signal.SIGINT)
    assert server.process.wait(timeout=15) == 0
    log = server.stop()
    assert wait_for(lambda: all(gone(pid) for pid in workers))
    assert "Traceback" not in log and "KeyboardInterrupt" not in log


def test_a_port_in_use_is_explained_with_workers_too(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [GLIMMERS, "serve", "--dev", "--port", str(port), "--workers", "2", "--data-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=30,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Try --port" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_worker_that_cannot_start_stops_the_server_with_its_reason_instead_of_restarting_forever(tmp_path):
    """The settings change under a running server; the next worker to start cannot, and says why."""
    roots = tmp_path / "roots.pem"
    roots.write_text("-----BEGIN CERTIFICATE-----\n")
    server = Server("--data-dir", str(tmp_path / "data"), "--workers", "2", env={"GLIMMERS_TRUST_ROOTS_PEM": str(roots)})
    try:
        workers = wait_for(lambda: len(workers_of(server.pid)) == 2 and workers_of(server.pid))
        roots.unlink()
        os.kill(workers[0], signal.SIGKILL)
        status = server.process.wait(timeout=30)
    finally:
        log = server.stop()
    assert status != 0
    assert f"a worker could not start the skill: TRUST_ROOTS_PEM points at {roots}, which is not a file" in log
    assert "App failed to load" in log and "Traceback" not in log
    assert wait_for(lambda: all(gone(pid) for pid in workers))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_host_that_is_not_an_address_here_is_explained(tmp_path, workers):
    result = subprocess.run(
        [GLIMMERS, "serve", "--dev", "--host", "no-such-host.invalid", "--port", str(free_port()), "--workers", workers,
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert "'no-such-host.invalid' is not an address of this machine" in result.stderr
    assert "--host 127.0.0.1" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stopping_server_refuses_new_connections_but_answers_the_request_in_hand(tmp_path, alexa_api, workers):
    """SIGTERM (a restart) mid-request: the person still hears their answer; nobody new gets in."""
    device = f"amzn1.ask.device.SLOWSETTINGS{workers}"
    alexa_api.behaviour[device] = "slow"  # the time-zone lookup takes the skill's whole 0.8 s timeout
    server = Server("--dev", "--data-dir", str(tmp_path), "--workers", workers)
    answer: dict[str, object] = {}

    def ask() -> None:
        try:
            answer["reply"] = server.post(load_request("read_glimmers", device=device, user=USER))
        except OSError as exc:
            answer["reply"] = exc

    asking = threading.Thread(target=ask)
    try:
        status, _, _ = server.post(load_request("record_glimmer", glimmer="rain on the window", user=USER))
        assert status == 200  # something to read back, which speaks of days and so asks for the time zone
        asking.start()
        wait_for(lambda: any(seen == device for seen, _ in alexa_api.requests))  # the request is in hand
        server.process.terminate()
        asking.join(timeout=15)
        status, body, _ = answer["reply"]
        assert status == 200 and speech_of(body), body
        wait_for(lambda: refused(server.port), timeout=5)
        assert server.process.wait(timeout=15) == 0
    finally:
        log = server.stop()
    assert "Traceback" not in log
