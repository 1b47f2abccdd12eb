"""Requests to a real HTTP server, sent by many threads at the same moment."""

import http.client
import threading
import time
from urllib.parse import urlsplit


def post(base_url, path, body, cookie):
    """(status, Location) of one form POST; None when the server went away before answering."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location", "")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def all_at_once(base_url, requests, meanwhile=None):
    """Send every (path, body, cookie) at the same moment, one thread each: the answers in order, and
    how long they took. `meanwhile()` runs here as soon as the requests are on their way."""
    answers = [None] * len(requests)
    gate = threading.Barrier(len(requests) + 1)

    def send(number, request):
        gate.wait()
        answers[number] = post(base_url, *request)

    threads = [threading.Thread(target=send, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    if meanwhile is not None:
        meanwhile()
    for thread in threads:
        thread.join(timeout=180)
    return answers, time.perf_counter() - started
