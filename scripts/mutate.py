"""Mutation testing of the rules that decide a learner's status, a quiz's grade and an import's cells.

Applies one small change at a time to a rule's source file (a comparison made strict or loose, a
number or a number of days off by one, `and` for `or`, `and_` for `or_`, `min` for `max`, `is_` for
`is_not`, `+` for `-`, an element dropped from a list, tuple or set, `True` for `False`, a `not`
dropped), runs the tests that cover that file with -x, restores the file, and lists the mutants that
left every test green. A surviving mutant is a behaviour the tests do not pin down, unless it is one
of EQUIVALENT below: a change that cannot change behaviour, each with the reason.

    python scripts/mutate.py                 # every target (make mutate)
    python scripts/mutate.py course/quizzes/rules.py --list   # the mutants, without running tests

Each run forks from a process that has already imported the third-party libraries, so a mutant costs
the tests' own time. mutmut 3 is not used: it mutates only code inside functions, and the status rule's
valid states (VALID) and the dashboard's IN_DATE are module constants.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUS_TESTS = ("tests/unit/test_record_rules.py", "tests/unit/test_report_summary.py")
AGREEMENT = "tests/functional/test_status_agreement.py"
# Each file and the tests that cover it, fastest first (-x stops at the first failure).
TARGETS: dict[str, tuple[str, ...]] = {
    "course/progress/status.py": (*STATUS_TESTS, AGREEMENT),
    "course/reporting/queries.py": (AGREEMENT, "tests/functional/test_relative_due_dates.py"),
    "course/reporting/rules.py": (
        "tests/unit/test_report_summary.py",
        "tests/unit/test_rollout_rules.py",
        AGREEMENT,
    ),
    "course/quizzes/rules.py": (
        "tests/unit/test_grading.py",
        "tests/unit/test_point_biserial.py",
        "tests/unit/test_retake_rules.py",
    ),
    "course/imports/rules.py": ("tests/unit/test_import_parsing.py", "tests/unit/test_rollout_rules.py"),
}
# The property test's generated examples per run: its every-boundary test already meets each boundary.
ENVIRONMENT = {"STATUS_EXAMPLES": "10"}
TIMEOUT = 600  # seconds; a mutant that makes the tests hang longer counts as killed

# (file, the mutant's description as listed, with the line of the file as committed) -> why it cannot
# change behaviour. Review these when the file changes: `--list` shows the current descriptions.
EQUIVALENT: dict[tuple[str, str], str] = {
    ("course/reporting/queries.py", "line 29:21: True → False"): (
        "least.inherit_cache: whether SQLAlchemy may cache the compiled statement; the SQL is the same"
    ),
    ("course/reporting/queries.py", "line 48:21: True → False"): "add_days.inherit_cache: as for least",
    ("course/quizzes/rules.py", "line 123:13: 0 → 1"): (
        "point_biserial's `n == 0` guard: with no answers no one was right, so `right in (0, n)` already "
        "returns None; n == 1 means one answer, right or wrong, which that test returns None for too"
    ),
    ("course/quizzes/rules.py", "line 123:13: 0 → -1"): (
        "point_biserial's `n == 0` guard: a count is never -1, and n == 0 is caught by `right in (0, n)`"
    ),
    ("course/quizzes/rules.py", "line 127:8: variance <= 1e-12 → variance < 1e-12"): (
        "a tolerance for scores that do not vary: a variance of exactly 1e-12 cannot arise from whole-number "
        "scores, and either side of it would mean the same"
    ),
    ("course/imports/rules.py", "line 19:9: 1000 → 1001"): (
        "CHUNK, how many emails or ids an import puts in one query: far below every database's limit on "
        "bound parameters either way, and the result does not depend on it"
    ),
    ("course/imports/rules.py", "line 19:9: 1000 → 999"): "CHUNK: as for 1001",
    ("course/imports/rules.py", "line 168:44: 1 → 2"): (
        "units_to_create's depths: one more step past the last part slices the same whole path again, "
        "which the set of units to create already holds"
    ),
}

COMPARISONS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
SWAPPED_NAMES = {"and_": "or_", "or_": "and_", "min": "max", "max": "min", "is_": "is_not", "is_not": "is_"}


def one_off(value: ast.expr) -> Iterator[ast.expr]:
    for op in (ast.Add(), ast.Sub()):
        yield ast.BinOp(copy.deepcopy(value), op, ast.Constant(1))


def variants(node: ast.AST) -> Iterator[ast.AST]:
    """The mutants of one node: each a replacement for it."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARISONS:
                mutant = copy.deepcopy(node)
                mutant.ops[i] = COMPARISONS[type(op)]()
                yield mutant
    elif isinstance(node, ast.BoolOp):
        yield ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), copy.deepcopy(node.values))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        yield ast.BinOp(copy.deepcopy(node.left), op, copy.deepcopy(node.right))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield copy.deepcopy(node.operand)
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield ast.Constant(node.value + 1)
        yield ast.Constant(node.value - 1)
    elif isinstance(node, ast.Name) and node.id in SWAPPED_NAMES and isinstance(node.ctx, ast.Load):
        yield ast.Name(SWAPPED_NAMES[node.id], ast.Load())
    elif isinstance(node, ast.Attribute) and node.attr in SWAPPED_NAMES:
        yield ast.Attribute(copy.deepcopy(node.value), SWAPPED_NAMES[node.attr], node.ctx)
    elif isinstance(node, ast.Set) or (
        isinstance(node, ast.List | ast.Tuple) and isinstance(node.ctx, ast.Load)
    ):
        if len(node.elts) >= 2 and not any(isinstance(e, ast.Starred) for e in node.elts):
            for i in range(len(node.elts)):
                mutant = copy.deepcopy(node)
                del mutant.elts[i]
                yield mutant
    elif isinstance(node, ast.keyword) and node.arg == "days" and not isinstance(node.value, ast.Constant):
        for value in one_off(node.value):
            yield ast.keyword("days", value)


@dataclass(frozen=True)
class Mutant:
    file: str
    index: int
    description: str


class Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order, numbering every mutant; replaces the one numbered `target`."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.found: list[tuple[str, str]] = []  # (line:column, description) by number

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.JoinedStr | ast.arg):  # messages and annotations are not rules
            return node
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):  # docstrings
            return node
        if isinstance(node, ast.AnnAssign | ast.FunctionDef | ast.ClassDef):  # not annotations, decorators
            for field in ("value", "args", "body"):
                value = getattr(node, field, None)
                if isinstance(value, list):
                    setattr(node, field, [self.visit(item) for item in value])
                elif isinstance(value, ast.AST):
                    setattr(node, field, self.visit(value))
            return node
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "TypeVar":
            return node
        node = self.generic_visit(node)
        for mutant in variants(node):
            number = len(self.found)
            where = f"{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0) + 1}"
            self.found.append((where, describe(node, mutant)))
            if number == self.target:
                return ast.copy_location(mutant, node)
        return node


def describe(node: ast.AST, mutant: ast.AST) -> str:
    """What a mutant changes, in the source's words: "a <= b → a < b", "drop X from [X, Y]"."""
    if isinstance(node, ast.keyword) and isinstance(mutant, ast.keyword):
        return f"{node.arg}={ast.unparse(node.value)} → {mutant.arg}={ast.unparse(mutant.value)}"
    if isinstance(node, ast.List | ast.Tuple | ast.Set) and isinstance(
        mutant, ast.List | ast.Tuple | ast.Set
    ):
        kept = [ast.dump(e) for e in mutant.elts]
        dropped = next(e for i, e in enumerate(node.elts) if i >= len(kept) or ast.dump(e) != kept[i])
        return f"drop {_short(ast.unparse(dropped), 60)} from {_short(ast.unparse(node), 60)}"
    return f"{_short(ast.unparse(node))} → {_short(ast.unparse(mutant))}"


def _short(source: str, limit: int = 90) -> str:
    source = " ".join(source.split())
    return source if len(source) <= limit else source[: limit - 1] + "…"


def mutants(file: str, original: str) -> list[Mutant]:
    mutator = Mutator()
    mutator.visit(ast.parse(original))
    return [Mutant(file, i, f"line {where}: {text}") for i, (where, text) in enumerate(mutator.found)]


def mutated_source(original: str, index: int) -> str:
    tree = Mutator(index).visit(ast.parse(original))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def forget_bytecode(file: str) -> None:
    """Python trusts a cached .pyc by the source's size and whole-second time: never let it."""
    path = ROOT / file
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink()


def run_tests(tests: tuple[str, ...], log: Path) -> bool:
    """True when every test passes: pytest in a child forked from this process."""
    pid = os.fork()
    if pid == 0:  # the child: fresh imports of the project, with the libraries already loaded
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.dont_write_bytecode = True
        os.environ.update(ENVIRONMENT)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        import pytest

        code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests])
        os._exit(int(code))
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                pid = 0
                return os.waitstatus_to_exitcode(status) == 0
            time.sleep(0.05)
        return False  # hung: killed below
    finally:
        if pid:  # still running: timed out, or this run was stopped
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def preload() -> None:
    """Import the libraries the tests use, before forking; nothing of the project, no pytest plugin."""
    import importlib

    for name in ("flask", "sqlalchemy", "alembic", "wtforms", "flask_wtf", "email_validator"):  # no plugins
        importlib.import_module(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help=f"files to mutate (default: {', '.join(TARGETS)})")
    parser.add_argument("--list", action="store_true", help="list the mutants without running the tests")
    parser.add_argument("-v", "--verbose", action="store_true", help="name the killed mutants too")
    parser.add_argument("--match", default="", help="only the mutants whose description contains this text")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    files = args.files or list(TARGETS)
    unknown = [f for f in files if f not in TARGETS]
    if unknown:
        parser.error(f"no tests are set for {', '.join(unknown)}; add them to TARGETS")
    if args.list:
        for file in files:
            for mutant in mutants(file, (ROOT / file).read_text()):
                print(f"{file} {mutant.description}")
        return 0
    preload()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: restore the file all the same
    log = ROOT / "test-artifacts" / "mutate.log"  # the last run's test output
    log.parent.mkdir(exist_ok=True)
    survivors: list[Mutant] = []
    explained: list[tuple[Mutant, str]] = []
    total = killed = 0
    started = time.monotonic()
    for file in files:
        tests = TARGETS[file]
        if not run_tests(tests, log):
            print(f"{file}: the tests fail before any mutation; see {log}", file=sys.stderr)
            return 2
        original = (ROOT / file).read_text()  # every mutant is one change to this text
        found = [m for m in mutants(file, original) if args.match in m.description]
        print(f"{file}: {len(found)} mutants, tests {' '.join(tests)}", flush=True)
        seen = {ast.unparse(ast.parse(original))}
        try:
            for mutant in found:
                source = mutated_source(original, mutant.index)
                if source.rstrip() in seen:  # the same code as the original or an earlier mutant
                    continue
                seen.add(source.rstrip())
                (ROOT / file).write_text(source)
                forget_bytecode(file)
                total += 1
                if not run_tests(tests, log):
                    killed += 1
                    if args.verbose:
                        print(f"  killed {mutant.description}", flush=True)
                    continue
                reason = EQUIVALENT.get((file, mutant.description))
                if reason:
                    explained.append((mutant, reason))
                else:
                    survivors.append(mutant)
                print(
                    f"  survived {mutant.description}" + (f"  (equivalent: {reason})" if reason else ""),
                    flush=True,
                )
        finally:
            (ROOT / file).write_text(original)
            forget_bytecode(file)
    minutes = (time.monotonic() - started) / 60
    print(
        f"{total} mutants: {killed} killed, {len(explained)} survived as equivalent, "
        f"{len(survivors)} survived ({minutes:.1f} min)"
    )
    for mutant in survivors:
        print(f"SURVIVED {mutant.file} {mutant.description}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
