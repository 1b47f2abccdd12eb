"""A real LTI 1.3 platform (PyPI lti1p3platform) in a small Flask app on 127.0.0.1.

It registers the tool, starts the login (third-party initiation), answers the tool's authorisation
request with a signed launch (a resource link with an AGS line item, or a deep-linking request), checks
a deep-linking response with the tool's public keys, gives out client-credentials tokens and records the
scores posted to its line items. Switch `down` on to have the token and score services answer 503.

What a launch carries (which person, and for tests of refusals an altered audience, expiry or a
tampered token) travels in the platform's own lti_message_hint, as an LMS would carry its own state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, jsonify, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from markupsafe import escape
from werkzeug.serving import make_server

from tests.serving import thread_for

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TEACHER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration  # type: ignore[return-value]


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> Response:
        return Response(status=302, headers={"Location": url})


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self) -> dict[str, Any]:
        return dict(request.args)

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> Response:
        return Response(launch_form(launch_data["launch_url"], launch_data["id_token"], launch_data["state"]))


def launch_form(action: str, id_token: str, state: str) -> str:
    """The page a platform answers the tool's authorisation request with: a form posting the signed
    launch to the tool (the library's framework template, without its deprecated loader)."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>LTI Tool Launch</title></head><body>"
        f"<form method='POST' action='{escape(action)}' id='form'>"
        f"<input type='hidden' name='id_token' value='{escape(id_token)}'>"
        f"<input type='hidden' name='state' value='{escape(state)}'>"
        "<button type='submit'>Continue</button></form>"
        "<script>document.getElementById('form').submit();</script></body></html>"
    )


LAUNCH_FIELD = re.compile(r"name='(id_token|state)' value='([^']*)'")
LAUNCH_ACTION = re.compile(r"action='([^']*)'")


def read_launch_form(page: str) -> dict[str, str]:
    """What a browser would post: the launch form's action and fields."""
    action = LAUNCH_ACTION.search(page)
    assert action, page
    return {"launch_url": action.group(1), **dict(LAUNCH_FIELD.findall(page))}


@dataclass
class Platform:
    """One running platform; `scores` and `deep_links` are what it received."""

    tool_base: str  # where the tool is, e.g. https://localhost
    client_id: str = "course-tool"
    deployment_id: str = "deployment-1"
    port: int = 0
    down: bool = False
    tool_keys: dict[str, Any] = field(default_factory=dict)
    scores: list[dict[str, Any]] = field(default_factory=list)
    deep_links: list[list[dict[str, Any]]] = field(default_factory=list)
    tokens_given: int = 0
    people: dict[str, dict[str, Any]] = field(default_factory=dict)  # name and e-mail the launch sends

    def __post_init__(self) -> None:
        self.private_pem, self.public_pem = _pem_pair()
        self.app = Flask("lti_platform")
        self._routes()
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = thread_for(self._server)

    # addresses the tool is registered with
    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth_login_url(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def auth_token_url(self) -> str:
        return f"{self.issuer}/token"

    @property
    def keyset_url(self) -> str:
        return f"{self.issuer}/jwks"

    def lineitem_url(self, name: str) -> str:
        return f"{self.issuer}/lineitems/{name}?type=lti"

    def rotate_key(self) -> None:
        """A new signing key (the old one is no longer published), as a platform rotates its keys."""
        self.private_pem, self.public_pem = _pem_pair()

    def start(self) -> Platform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def registration(self, client_id: str | None = None) -> Registration:
        registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(client_id or self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(f"{self.tool_base}/lti/login")
            .set_launch_url(f"{self.tool_base}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool_base}/lti/launch")
            .set_platform_public_key(self.public_pem)
            .set_platform_private_key(self.private_pem)
        )
        if self.tool_keys:
            registration.set_tool_key_set(self.tool_keys)  # type: ignore[arg-type]
        return registration

    def config(self, client_id: str | None = None) -> _Config:
        return _Config(registration=self.registration(client_id))

    def login_url(self, user: str = "alice", **hint: Any) -> str:
        """The tool's login initiation address, as the platform's launch button leads to it."""
        login = _Login(None, self.config())
        login.set_lti_message_hint(hint=json.dumps({"user": user, **hint}))
        return str(login.initiate_login(user).headers["Location"])

    def _routes(self) -> None:
        app = self.app

        @app.get("/jwks")
        def jwks() -> Response:
            return jsonify(self.config().get_jwks())

        @app.get("/authorize")
        def authorize() -> Response:
            hint = json.loads(request.args.get("lti_message_hint", "{}"))
            config = self.config(hint.get("client_id"))
            launch = _Launch(None, config)  # type: ignore[arg-type]
            person = self.people.get(hint["user"], {})
            launch.set_user_data(
                hint["user"],
                [TEACHER_ROLE if hint.get("teacher") else LEARNER_ROLE],
                full_name=person.get("name"),
                email_address=person.get("email"),
            )
            launch.set_launch_context_claim("course-101", context_title="Safeguarding 101")
            launch.set_launch_presentation_claim("iframe", return_url=f"{self.issuer}/course/101")
            if hint.get("custom"):
                launch.set_custom_parameters_claim(hint["custom"])
            if hint.get("deep"):
                launch.set_dl(f"{self.issuer}/deep-link-return", extra_data={"return": "here"})
            else:
                launch.set_resource_link_claim(hint.get("link", "link-1"), title="Self-harm awareness")
                launch.set_ags(
                    f"{self.issuer}/lineitems",
                    self.lineitem_url(hint.get("link", "link-1")),
                )
            if "expires_in" in hint:
                launch.set_id_token_expiration(hint["expires_in"])
            if "aud" in hint:
                launch.set_extra_claims({"aud": hint["aud"], "azp": hint["aud"]})
            answer = launch.lti_launch()
            if hint.get("tamper"):  # one character of the signed payload changed
                data = read_launch_form(answer.get_data(as_text=True))
                head, body, signature = data["id_token"].split(".")
                body = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
                return Response(
                    launch_form(data["launch_url"], ".".join((head, body, signature)), data["state"])
                )
            return answer

        @app.post("/token")
        def token() -> Response | tuple[str, int]:
            if self.down:
                return "down for maintenance", 503
            answer = self.config().get_access_token(dict(request.form))
            self.tokens_given += 1
            return jsonify(answer)

        @app.post("/lineitems/<name>/scores")
        def scores(name: str) -> Response | tuple[str, int]:
            if self.down:
                return "down for maintenance", 503
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not self.config().validate_token(bearer, allowed_scopes=[SCORE_SCOPE]):
                return "token lacks the score scope", 403
            if request.mimetype != "application/vnd.ims.lis.v1.score+json":
                return "wrong media type", 415
            self.scores.append(
                {"lineitem": name, "query": request.query_string.decode(), **request.get_json(force=True)}
            )
            return "", 200

        @app.post("/deep-link-return")
        def deep_link_return() -> Response:
            config = self.config()
            items = config.validate_deeplinking_resp({"JWT": request.form["JWT"]})
            self.deep_links.append(items)
            return jsonify(items)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
