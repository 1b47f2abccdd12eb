"""The certificate is a tagged PDF/UA-1: read back with pypdf and poppler's pdfinfo, in four scripts."""

import io
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from course.models import AuditEvent, OrgLogo, Role
from course.records import rules
from tests.factories import SETTINGS_FORM, completion

NAMES = {
    "latin": "Zoë O’Brien-Łukasiewicz",
    "cjk": "王小明",
    "arabic": "محمد عبد الرحمن",
    "hebrew": "דוד כהן",
}


def image_bytes(kind: str, size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (59, 42, 122)).save(buffer, format=kind)
    return buffer.getvalue()


def noisy_png() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (100, 100), bytes(range(256)) * 117 + bytes(48)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def certificate(make_user, web, db, org_settings):
    """certificate(name) -> (pdf bytes, record): a learner with that name downloads their certificate."""
    org_settings(
        org_name="Northfield Learning Trust", signatory_name="Priya Shah", signatory_role="Head of Training"
    )

    def download(name: str):
        user = make_user(name=name)
        record = completion(user, expires_in_days=300)
        db.add(record)
        db.commit()
        web.client.delete_cookie("session")  # whoever was signed in
        web.login(user.email)
        response = web.get(f"/records/{record.id}/certificate.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return response.data, record

    return download


def structure(node, depth=0):
    """The structure tree as (depth, role, alternative text) in reading order."""
    node = node.get_object()
    found = [(depth, str(node.get("/S")), node.get("/Alt"))]
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            found += structure(kid, depth + 1)
    return found


def pdfinfo(pdf: bytes, tmp_path) -> dict[str, str]:
    program = shutil.which("pdfinfo")
    assert program, "poppler-utils is not installed: run `make test`, which installs it"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    output = subprocess.run([program, str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line)


@pytest.mark.parametrize("script", NAMES)
def test_each_script_is_extracted_in_logical_order(certificate, script):
    pdf, _ = certificate(NAMES[script])
    lines = [line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()]
    assert NAMES[script] in lines  # the whole name on one line, in the order it is typed
    assert NAMES[script][::-1] not in lines or NAMES[script] == NAMES[script][::-1]


def test_the_pdf_is_tagged_with_language_title_and_structure(certificate, tmp_path):
    pdf, record = certificate(NAMES["arabic"])
    info = pdfinfo(pdf, tmp_path)
    assert info["Tagged"].strip() == "yes"
    assert info["Pages"].strip() == "1"
    assert info["Title"].strip() == f"Certificate of completion: {NAMES['arabic']}"
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()  # declares PDF/UA-1
    tree = structure(catalog["/StructTreeRoot"])
    roles = [role for _, role, _ in tree]
    assert "/Document" in roles and roles.count("/H1") == 1
    assert roles.index("/H1") < roles.index("/H2")  # the heading before the sections
    figures = [alt for _, role, alt in tree if role == "/Figure"]
    assert figures == [
        f"QR code that opens http://localhost/verify/{record.certificate_code}, "
        "where this certificate can be checked"
    ]


@pytest.mark.database
def test_the_page_carries_every_fact_in_reading_order(app, certificate):
    pdf, record = certificate(NAMES["latin"])
    words = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    course = app.extensions["course"]
    order = [
        "Northfield Learning Trust",
        "Certificate of completion",
        NAMES["latin"],
        course.title,
        "Course version t",
        "Learning outcomes",
        course.modules_for("teacher")[0].objectives[0].text,
        "Completed",
        "Valid until",
        record.expires_on.strftime("%-d %B %Y"),
        "CPD time",
        "1 h 40 min",
        "Priya Shah",
        "Head of Training",
        record.certificate_code,
        f"http://localhost/verify/{record.certificate_code}",
    ]
    positions = [words.find(fact) for fact in order]
    assert -1 not in positions, [fact for fact, at in zip(order, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_a_very_long_name_stays_on_one_page(certificate):
    pdf, _ = certificate("Wolfeschlegelsteinhausenbergerdorff" * 3 + " Smith")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_logo_prints_with_its_alternative_text(certificate, db):
    db.add(OrgLogo(id=1, content_type="image/png", data=image_bytes("PNG")))
    db.commit()
    pdf, _ = certificate(NAMES["hebrew"])
    tree = structure(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    figures = [alt for _, role, alt in tree if role == "/Figure"]
    assert figures[0] == "Northfield Learning Trust logo" and figures[1].startswith("QR code")


class TestLogoUpload:
    FIELDS = SETTINGS_FORM

    @pytest.fixture
    def admin(self, make_user, web):
        make_user("admin@example.org", role=Role.ADMIN)
        web.login("admin@example.org")

    def upload(self, web, data: bytes, filename: str, **extra):
        files = {"logo": (io.BytesIO(data), filename)}
        return web.submit(
            "/admin/settings", {**self.FIELDS, **files, **extra}, content_type="multipart/form-data"
        )

    @pytest.mark.parametrize(
        ("kind", "filename", "content_type"),
        [
            ("PNG", "logo.png", "image/png"),
            ("JPEG", "logo.jpg", "image/jpeg"),
            ("PNG", "logo.txt", "image/png"),  # the content decides, not the name
        ],
    )
    def test_png_and_jpeg_are_kept_by_their_content(self, admin, web, db, kind, filename, content_type):
        data = image_bytes(kind)
        assert self.upload(web, data, filename).status_code == 302
        logo = db.get(OrgLogo, 1)
        assert (logo.content_type, logo.data) == (content_type, data)
        assert db.query(AuditEvent).filter_by(action="settings.changed").one().details["changes"]["logo"]
        assert "The organisation's current logo" in web.get("/admin/settings").get_data(as_text=True)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (image_bytes("GIF"), "must be a PNG or JPEG"),
            (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "must be a PNG or JPEG"),
            (b"not an image at all", "must be a PNG or JPEG"),
            (noisy_png()[: len(noisy_png()) // 2], "must be a PNG or JPEG"),  # a truncated PNG
            (image_bytes("PNG", (rules.LOGO_MAX_PIXELS + 1, 10)), "at most 2000 pixels"),
        ],
    )
    def test_other_files_are_refused_with_a_reason(self, admin, web, db, data, message):
        response = self.upload(web, data, "logo.png")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
        assert db.get(OrgLogo, 1) is None

    def test_a_file_over_the_size_limit_is_refused(self):
        # Checked on the rule itself: the test client leaves a request body this large in an open file.
        with pytest.raises(rules.LogoRefused, match="512 KB or smaller"):
            rules.logo_content_type(image_bytes("PNG") + b"\0" * rules.LOGO_MAX_BYTES)

    @pytest.mark.database
    def test_the_largest_allowed_logo_is_kept_and_can_be_removed(self, admin, web, db):
        assert (
            self.upload(web, image_bytes("PNG", (rules.LOGO_MAX_PIXELS, 10)), "logo.png").status_code == 302
        )
        assert db.get(OrgLogo, 1) is not None
        response = web.submit("/admin/settings", {**self.FIELDS, "remove_logo": "y"})
        assert response.status_code == 302
        db.expire_all()
        assert db.get(OrgLogo, 1) is None


def test_markup_in_a_name_prints_as_text(certificate):
    name = '<b>Bold</b> & "Co" <img src=x onerror=alert(1)>'
    pdf, _ = certificate(name)
    reader = PdfReader(io.BytesIO(pdf))
    assert name in reader.pages[0].extract_text().replace("\n", " ")  # the long name wraps
    assert (
        len(
            [
                alt
                for _, role, alt in structure(reader.trailer["/Root"]["/StructTreeRoot"])
                if role == "/Figure"
            ]
        )
        == 1
    )
