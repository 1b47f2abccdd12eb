"""How much a process's memory grows while it streams the full completion CSV export.

Run as `python -m bench.export_memory DATABASE_URL EMAIL PASSWORD`; prints one JSON line. The request
goes through the app in this process, so the peak resident size (VmHWM) is the export's alone.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pyotp

from bench.generate import STAFF_SECRET
from bench.server import SECRET_KEY
from course import create_app

STATUS = Path("/proc/self/status")


def kilobytes(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"{field} is not in {STATUS}")
    return int(match.group(1))


def main(url: str, email: str, password: str) -> dict[str, float]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "LOGIN_RATE_LIMIT": "1000 per minute"})
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token.group(1)})
    for ahead in (0, 1):  # the administrator's code (the next step's if this one's was used by the load)
        page = client.get("/sign-in/code", follow_redirects=True)
        if page.request.path != "/sign-in/code":
            break
        code = pyotp.TOTP(STAFF_SECRET).at(time.time(), counter_offset=ahead)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        client.post("/sign-in/code", data={"code": code, "csrf_token": token.group(1) if token else ""})
    client.get("/admin/learners")  # load templates, content and the query code before measuring
    Path("/proc/self/clear_refs").write_text("5")  # start the peak (VmHWM) again from here
    before = kilobytes("VmRSS")
    started = time.perf_counter()
    response = client.get("/admin/completions.csv", buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"the export answered {response.status_code}; is {email} an administrator?")
    lines = size = 0
    for chunk in response.iter_encoded():
        lines += chunk.count(b"\n")
        size += len(chunk)
    response.close()
    return {
        "rows": lines - 1,  # the header line
        "megabytes_sent": round(size / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 2),
        "rss_before_mb": round(before / 1024, 1),
        "peak_growth_mb": round((kilobytes("VmHWM") - before) / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
