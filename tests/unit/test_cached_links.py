"""Template links built once: only addresses that cannot change while the app runs are remembered, and
each under the root path the request came in on."""

from flask import Flask

from course.formatting import cached_url_for


def make_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/", "home", lambda: "")
    app.add_url_rule("/attempts/<int:n>", "attempt", lambda n: "")
    return app


def test_a_link_without_values_follows_the_root_path_it_is_served_under():
    app = make_app()
    with app.test_request_context("/", base_url="http://course.example/"):
        assert cached_url_for("home") == "/"
        assert cached_url_for("static", filename="site.css") == "/static/site.css"
    with app.test_request_context("/", base_url="http://course.example/training/"):
        assert cached_url_for("home") == "/training/"
        assert cached_url_for("static", filename="site.css") == "/training/static/site.css"
        assert cached_url_for("static", filename="print.css") == "/training/static/print.css"


def test_links_with_values_are_built_each_time():
    app = make_app()
    with app.test_request_context("/"):
        assert cached_url_for("attempt", n=1) == "/attempts/1"
        assert cached_url_for("attempt", n=2) == "/attempts/2"
        assert cached_url_for("home", _anchor="top") == "/#top"
        assert cached_url_for("home", _external=True) == "http://localhost/"


def test_each_app_remembers_its_own_links():
    first, second = make_app(), Flask(__name__)
    second.add_url_rule("/elsewhere", "home", lambda: "")
    with first.test_request_context("/"):
        assert cached_url_for("home") == "/"
    with second.test_request_context("/"):
        assert cached_url_for("home") == "/elsewhere"
