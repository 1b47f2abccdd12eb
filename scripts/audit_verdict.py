"""Read pip-audit's JSON report and say plainly what it means: exit 1 on a known vulnerability; when no
package could be looked up (no network, no vulnerability database), print "not audited" and exit 0, so a
network problem neither fails the run nor passes for a clean audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def verdict(report_text: str) -> tuple[int, str]:
    try:
        dependencies = json.loads(report_text)["dependencies"]
    except (ValueError, KeyError, TypeError):
        dependencies = []
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        return 0, (
            "not audited: pip-audit could not reach the vulnerability database, so the dependencies were "
            "NOT checked this run. Run `make audit` where PyPI or OSV can be reached before a release."
        )
    found = [f"{d['name']} {d['version']}: {v['id']}" for d in audited for v in d.get("vulns", [])]
    if found:
        return 1, "Known vulnerabilities:\n" + "\n".join(found)
    return 0, f"No known vulnerability in {len(audited)} of {len(dependencies)} locked dependencies."


if __name__ == "__main__":
    path = Path(sys.argv[1])
    status, message = verdict(path.read_text() if path.exists() else "")
    print(message)
    sys.exit(status)
