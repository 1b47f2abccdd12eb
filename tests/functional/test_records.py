import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from course.database import utcnow
from course.models import CourseCompletion, JobRole, QuizAttempt, Revocation
from tests import factories
from tests.factories import completion
from tests.fixtures.quiz import complete_course, take_quiz

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def teacher(make_user, web):
    user = make_user("rec@example.org", name="Zoë Ωμέγα Жанна 王小明", job_role=JobRole.TEACHER)
    web.login("rec@example.org")
    return user


def only_record(db):
    db.expire_all()
    (record,) = db.query(CourseCompletion).all()
    return record


def test_completing_every_requirement_creates_one_record(app, teacher, web, db, org_settings):
    org_settings(certificate_months=12)
    complete_course(web, app, "teacher")
    record = only_record(db)
    course = app.extensions["course"]
    assert record.cycle == 1 and record.course_version == course.version
    assert record.cpd_minutes == course.minutes_for("teacher")
    assert set(record.scores) == set(course.banks) and all(s == 100 for s in record.scores.values())
    assert record.expires_on.year == record.completed_at.year + 1
    assert len(record.certificate_code) == 19
    page = text(web.get("/"))
    assert "You have completed the course" in page and "7 of 7 modules completed" in page
    for section in course.module("understanding").sections_for("teacher"):  # review adds nothing
        web.get(f"/modules/understanding/{section.id}")
    assert db.query(CourseCompletion).count() == 1


def test_passing_quizzes_without_reading_is_not_completion(app, teacher, web, db):
    complete_course(web, app, "teacher", read=False)
    assert db.query(CourseCompletion).count() == 0
    assert "Continue where you left off" in text(web.get("/"))


def test_reading_the_last_section_after_the_quizzes_completes(app, teacher, web, db):
    complete_course(web, app, "teacher", read=False)
    course = app.extensions["course"]
    for module in course.modules_for("teacher"):
        for section in module.sections_for("teacher"):
            web.get(f"/modules/{module.id}/{section.id}")
    assert only_record(db).cycle == 1


def test_certificate_pdf_reads_back_with_the_facts(app, teacher, web, db, org_settings):
    org_settings(org_name="Northfield Learning Trust")
    complete_course(web, app, "teacher")
    record = only_record(db)
    response = web.get(f"/records/{record.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.data))
    words = pdf.pages[0].extract_text()
    assert "Zoë Ωμέγα Жанна" in words and "王小明" in words  # the name in four scripts
    assert app.extensions["course"].title in words
    assert f"Course version {record.course_version}" in words
    assert "Northfield Learning Trust" in words
    assert record.certificate_code in words
    assert f"/verify/{record.certificate_code}" in words
    assert record.expires_on.strftime("%-d %B %Y") in words
    assert pdf.metadata.title == "Certificate of completion: Zoë Ωμέγα Жанна 王小明"


def test_another_users_certificate_is_404(app, teacher, web, db, make_user):
    complete_course(web, app, "teacher")
    record = only_record(db)
    make_user("nosy@example.org")
    web.logout()
    web.login("nosy@example.org")
    assert web.get(f"/records/{record.id}/certificate.pdf").status_code == 404


class TestVerify:
    def test_valid(self, app, teacher, web, db, client):
        complete_course(web, app, "teacher")
        record = only_record(db)
        page = text(client.get(f"/verify/{record.certificate_code.lower()}"))
        assert "This certificate is valid." in page and "Zoë" in page
        assert "rec@example.org" not in page  # name, course and dates only

    def test_expired(self, app, teacher, web, db, client):
        record = completion(teacher, expires_in_days=0)  # records are never edited: one that ends today
        db.add(record)
        db.commit()
        assert "This certificate is expired." in text(client.get(f"/verify/{record.certificate_code}"))

    def test_revoked(self, app, teacher, web, db, client):
        complete_course(web, app, "teacher")
        record = only_record(db)
        db.add(Revocation(completion_id=record.id, reason="Completed under another account"))
        db.commit()
        page = text(client.get(f"/verify/{record.certificate_code}"))
        assert "This certificate is withdrawn." in page
        assert "Completed under another account" not in page
        assert web.get(f"/records/{record.id}/certificate.pdf").status_code == 404

    def test_unknown(self, client):
        response = client.get("/verify/AAAA-BBBB-CCCC-DDDD")
        assert response.status_code == 404 and "No certificate has this code." in text(response)

    def test_rate_limited(self, client):
        for _ in range(30):
            client.get("/verify/AAAA-BBBB-CCCC-DDDD")
        assert client.get("/verify/AAAA-BBBB-CCCC-DDDD").status_code == 429


def test_renewal_in_the_window_earns_a_new_record_and_keeps_history(app, teacher, web, db, org_settings):
    complete_course(web, app, "teacher")
    # Records are never edited: a window longer than the record's life puts today inside it, 35 days
    # or so after it opened, and the passes are moved before it.
    org_settings(expiring_window_days=400)
    for attempt in db.query(QuizAttempt).all():
        attempt.submitted_at = utcnow() - timedelta(days=60)
    db.commit()
    page = text(web.get("/"))
    assert "Time to renew your training" in page and "Expiring soon" in page
    course = app.extensions["course"]
    banks = sorted(course.banks)
    for module_id in banks[:-1]:
        take_quiz(web, app, module_id)
    assert db.query(CourseCompletion).count() == 1
    take_quiz(web, app, banks[-1])  # sections need not be read again
    db.expire_all()
    records = db.query(CourseCompletion).order_by(CourseCompletion.cycle).all()
    assert [r.cycle for r in records] == [1, 2]
    assert records[0].certificate_code != records[1].certificate_code
    # The renewal's CPD time is that of the quizzes taken again, not the whole course.
    redone = sum(course.banks[m].minutes for m in banks)
    assert records[1].cpd_minutes == redone < records[0].cpd_minutes == course.minutes_for("teacher")
    mine = text(web.get("/records"))
    assert mine.count("Download PDF") == 2


def test_my_records_lists_attempts_and_downloads_csv(app, teacher, web):
    take_quiz(web, app, "responding", right=1)
    page = text(web.get("/records"))
    assert "You have no completion record yet." in page and "Not passed" in page
    csv = web.get("/records/my-records.csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode())
    assert "quiz attempt,responding," in csv.get_data(as_text=True)


def test_status_is_overdue_after_an_assigned_due_date(app, teacher, web, db):
    from course.models import Assignment

    db.add(Assignment(user_id=teacher.id, due_on=factories.today() - timedelta(days=1)))
    db.commit()
    assert "Overdue" in text(web.get("/"))
