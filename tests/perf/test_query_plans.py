"""Every report filter is served by an index: the database's query plan for the statement the page runs
reaches the filtered table through an index on the filtered column, and never reads that table whole.

On PostgreSQL sequential scans are switched off for the check, so the plan shows whether an index could
serve the filter at all, whatever the table's size.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest

from bench.generate import ADMIN_EMAIL, MANAGER_EMAIL
from course.extensions import db as database
from tests.perf.conftest import statements


@dataclass(frozen=True)
class Filter:
    name: str
    viewer: str
    url: str
    marker: str  # text that picks out the filtering statement among those the page runs
    table: str
    column: str


FILTERS = (
    Filter(
        "learner list by job role",
        ADMIN_EMAIL,
        "/admin/learners?job_role=nurse",
        "AS status",
        "users",
        "job_role",
    ),
    Filter(
        "learner list by unit", ADMIN_EMAIL, "/admin/learners?unit={site}", "AS status", "users", "unit_id"
    ),
    Filter("a manager's own units", MANAGER_EMAIL, "/admin/learners", "AS status", "users", "unit_id"),
    Filter(
        "item analysis of one quiz",
        ADMIN_EMAIL,
        "/admin/quizzes?module=understanding",
        "FROM attempt_answers",
        "quiz_attempts",
        "module_id",
    ),
    Filter(
        "dashboard completions in the last 12 months",
        ADMIN_EMAIL,
        "/admin/",
        "course_completions.completed_at >=",
        "course_completions",
        "completed_at",
    ),
)


def plan_lines(connection: Any, statement: str, parameters: Any) -> list[str]:
    """The plan as lines in SQLite's words: "SCAN table" for a whole-table (or whole-index) read, and
    "SEARCH table USING INDEX name (column...)" with the index's leading column when that is searched."""
    if connection.dialect.name == "sqlite":
        return [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    connection.exec_driver_sql("SET enable_seqscan = off")
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    lines: list[str] = []

    def index_line(relation: str, node: dict[str, Any]) -> str:
        condition = node.get("Index Cond", "")
        leading = connection.exec_driver_sql(LEADING_COLUMN, (node["Index Name"],)).scalar()
        if not re.search(rf"\b{leading}\b", condition):
            return f"SCAN {relation} USING INDEX {node['Index Name']} ({condition})"
        return f"SEARCH {relation} USING INDEX {node['Index Name']} ({leading} {condition})"

    def walk(node: dict[str, Any], relation: str = "") -> None:
        relation = node.get("Relation Name", relation)
        if node["Node Type"] == "Seq Scan":
            lines.append(f"SCAN {relation}")
        elif "Index Name" in node:
            lines.append(index_line(relation, node))
        for child in node.get("Plans", []):
            walk(child, relation if node["Node Type"] == "Bitmap Heap Scan" else "")

    walk(plan[0]["Plan"])
    return lines


LEADING_COLUMN = """
    SELECT a.attname FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE c.relname = %s
"""


def served(lines: list[str], table: str, column: str) -> bool:
    """The table is searched through an index that leads with the column, and never read whole."""
    name = rf"{table}(_\d+)?"
    searched = re.compile(rf"^SEARCH {name} USING (COVERING )?INDEX \w+ \({column}\b")
    scanned = re.compile(rf"^SCAN {name}\b")
    return any(searched.search(line) for line in lines) and not any(scanned.search(line) for line in lines)


@pytest.mark.parametrize("report_filter", FILTERS, ids=[f.name for f in FILTERS])
def test_report_filter_is_served_by_an_index(app, organisation, grow, web, report_filter):
    grow(50)
    web.login(report_filter.viewer)
    with statements(app) as seen:
        response = web.get(report_filter.url.format(site=organisation.site_ids[0]))
        response.get_data()
    assert response.status_code == 200
    chosen = [(s, p) for s, p in seen if report_filter.marker in s]
    assert chosen, f"the page ran no statement with {report_filter.marker!r}"
    with database.engine.connect() as connection:
        for statement, parameters in chosen:
            lines = plan_lines(connection, statement, parameters)
            assert served(lines, report_filter.table, report_filter.column), (
                f"{report_filter.name}: {report_filter.table}.{report_filter.column} is not served by an index. "
                "Plan:\n  " + "\n  ".join(lines)
            )


def test_the_check_tells_an_index_search_from_a_whole_table_read():
    job_role = "SEARCH users USING INDEX ix_users_job_role (job_role=?)"
    assert served([job_role], "users", "job_role")
    assert not served([job_role, "SCAN users_1"], "users", "job_role")
    assert not served(["SCAN users", "SEARCH users USING INTEGER PRIMARY KEY (rowid=?)"], "users", "job_role")
    module = "ix_quiz_attempts_module_submitted (module_id ((module_id)::text = 'x'))"
    assert served([f"SEARCH quiz_attempts USING INDEX {module}"], "quiz_attempts", "module_id")
    other = "SEARCH quiz_attempts USING INDEX ix_quiz_attempts_user_module (user_id=?)"
    assert not served([other], "quiz_attempts", "module_id")
