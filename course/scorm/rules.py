"""Pure SCORM rules: the signed launch, the LMS origins, the progress a package reports, and the
package's files. No database, no Flask."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

VERSIONS = ("1.2", "2004")
# A launch signed longer ago than this is refused: long enough for a learner's clock to be off by a
# day, short enough that an old address copied from a browser history does not sign anyone in.
LAUNCH_VALIDITY = timedelta(hours=36)
MAX_ORIGINS = 8
MAX_LEARNER_ID = 255
MAX_NAME = 200
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
# The files of the package, beside imsmanifest.xml, in the order the manifest lists them.
PACKAGE_FILES = ("launch.html", "launch.js", "launch.css")


class LaunchProblem(ValueError):
    """A launch that cannot be trusted; the message is safe to show."""


@dataclass(frozen=True)
class Launch:
    learner_id: str
    name: str
    origins: tuple[str, ...]
    place: str


def launch_message(key: str, learner_id: str, name: str, origins: str, issued: str) -> bytes:
    """What the package signs (launch.js builds the same lines): every field that names the learner
    or says where they may be framed."""
    return "\n".join(("scorm-launch-v1", key, learner_id, name, origins, issued)).encode()


def signature(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def valid_origin(origin: str) -> bool:
    return bool(_ORIGIN.match(origin))


def claimed_origins(text: str) -> tuple[str, ...]:
    """The LMS origins a launch names, if they read as origins (for pages with nothing to click)."""
    origins = tuple(text.split())
    return origins if 0 < len(origins) <= MAX_ORIGINS and all(valid_origin(o) for o in origins) else ()


def read_launch(key: str, secret: str, args: dict[str, str], now: datetime) -> Launch:
    """Check a launch's fields and signature; raise LaunchProblem for anything untrustworthy."""
    learner_id, name = args.get("learner", "").strip(), " ".join(args.get("name", "").split())
    origins_text, issued = args.get("origins", ""), args.get("issued", "")
    if not learner_id or len(learner_id) > MAX_LEARNER_ID:
        raise LaunchProblem("The learning platform did not say who the learner is.")
    origins = claimed_origins(origins_text)
    if not origins:
        raise LaunchProblem("The learning platform's address could not be read.")
    expected = signature(secret, launch_message(key, learner_id, args.get("name", ""), origins_text, issued))
    if not hmac.compare_digest(expected, args.get("signature", "")):
        raise LaunchProblem("This launch was not signed by the course package.")
    try:
        at = datetime.fromtimestamp(int(issued) / 1000, tz=now.tzinfo)
    except (ValueError, OverflowError, OSError) as error:
        raise LaunchProblem("This launch has no valid time.") from error
    if abs(now - at) > LAUNCH_VALIDITY:
        raise LaunchProblem("This launch is too old, or the computer's clock is wrong. Start it again.")
    return Launch(learner_id, display_name(name)[:MAX_NAME] or "Learner", origins, args.get("place", ""))


def display_name(name: str) -> str:
    """SCORM 1.2 LMSs give "Last, First"; people read "First Last"."""
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if comma and "," not in first else name


def resume_place(place: str, allowed_prefix: str) -> str | None:
    """Where to take a learner back to: a path of this course under `allowed_prefix`, nothing else."""
    if not place.startswith(allowed_prefix) or place.startswith("//") or len(place) > 300:
        return None
    if any(c in place for c in "\\?#") or any(ord(c) < 33 or ord(c) == 127 for c in place):
        return None
    return place


@dataclass(frozen=True)
class Report:
    """What the package passes on to the LMS: SCORM's completion and success, and the score."""

    completion: str  # "completed" | "incomplete"
    success: str  # "passed" | "failed" | "unknown"
    score: int | None  # per cent

    def as_message(self, place: str) -> dict[str, object]:
        return {
            "type": "course-progress",
            "completion": self.completion,
            "success": self.success,
            "score": self.score,
            "place": place,
        }


def module_report(complete: bool, best_pass: int | None, latest_score: int | None) -> Report:
    """A one-module package: passed with the best passing score; failed with the latest score while
    no attempt has passed; completed once every section is read and the quiz passed."""
    if best_pass is not None:
        return Report("completed" if complete else "incomplete", "passed", best_pass)
    if latest_score is not None:
        return Report("incomplete", "failed", latest_score)
    return Report("completed" if complete else "incomplete", "unknown", None)


def course_report(all_complete: bool, scores: dict[str, int]) -> Report:
    """A whole-course package: completed and passed with the mean of the quiz scores once the
    completion record's requirements are met."""
    if not all_complete:
        return Report("incomplete", "unknown", None)
    return Report("completed", "passed", sum(scores.values()) // len(scores) if scores else None)


def zip_name(version: str, module_id: str | None) -> str:
    suffix = f"-{module_id}" if module_id else ""
    return f"course-scorm{version.replace('.', '')}{suffix}.zip"
