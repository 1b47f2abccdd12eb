"""Sending e-mail over SMTP: one connection for a batch of messages, settings from the app config.

`queue_mail` is how features send: the message goes through the outbox, in the caller's transaction,
and is delivered (and retried while the mail server is down) by `flask --app course outbox send`.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses
from types import TracebackType
from typing import Any

from flask import current_app

from course.outbox.services import Refuse, Retry, enqueue, enqueue_many, handles

MAIL = "mail"


class MailError(RuntimeError):
    """The mail server could not be reached or would not take a message; the message says what to fix."""

    permanent = False  # the server refused this message for good (a 5xx reply): sending again won't help


class Mailer:
    """Use as `with Mailer(app.config) as mailer: mailer.send(mailer.compose(...))`."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host: str = config["SMTP_HOST"]
        self.port: int = int(config["SMTP_PORT"])
        self.username: str = config["SMTP_USERNAME"]
        self.password: str = config["SMTP_PASSWORD"]
        self.starttls: bool = bool(config["SMTP_STARTTLS"])
        self.sender: str = config["MAIL_FROM"]
        self._smtp: smtplib.SMTP | None = None

    def compose(
        self, *, to: str, subject: str, body: str, cc: Iterable[str] = (), html: str | None = None
    ) -> EmailMessage:
        """A plain-text message, with an HTML alternative when `html` is given."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        copies = list(cc)
        if copies:
            message["Cc"] = ", ".join(copies)
        message["Subject"] = subject
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
        return message

    def __enter__(self) -> Mailer:
        where = f"{self.host}:{self.port}"
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=30)
        except OSError as error:
            raise MailError(
                f"Could not connect to the mail server at {where} ({error}). "
                "Check SMTP_HOST and SMTP_PORT, and that the server is running."
            ) from error
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            raise MailError(
                f"The mail server at {where} did not accept the username and password. "
                "Check SMTP_USERNAME and SMTP_PASSWORD."
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            smtp.close()
            raise MailError(
                f"Could not start a secure session with the mail server at {where} ({error}). "
                "Check SMTP_STARTTLS and the server's certificate."
            ) from error
        self._smtp = smtp
        return self

    def send(self, message: EmailMessage) -> None:
        """Deliver to every recipient (To and Cc) or to none: if the server refuses any of them, the
        message is abandoned and MailError says which address was refused."""
        if self._smtp is None:
            raise RuntimeError("Mailer.send is only available inside `with Mailer(...)`.")
        smtp, to = self._smtp, message["To"]
        recipients = [
            address for _, address in getaddresses([*message.get_all("To", []), *message.get_all("Cc", [])])
        ]
        international = not all(address.isascii() for address in [self.sender, *recipients])
        try:
            smtp.ehlo_or_helo_if_needed()
            _accepted(smtp, smtp.mail(self.sender, ["SMTPUTF8", "BODY=8BITMIME"] if international else []))
            for address in recipients:
                _accepted(smtp, smtp.rcpt(address), address)
            smtp.data(message.as_bytes(policy=policy.SMTPUTF8 if international else policy.SMTP))
        except (smtplib.SMTPException, OSError) as error:
            problem = MailError(f"The mail server refused the message to {to}: {_reason(error)}")
            problem.permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
            raise problem from error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class _Refused(smtplib.SMTPResponseException):
    def __init__(self, code: int, reply: bytes, address: str) -> None:
        super().__init__(code, reply)
        self.address = address


def _accepted(smtp: smtplib.SMTP, reply: tuple[int, bytes], address: str = "") -> None:
    """Abandon the message unless the server accepted this step (a 2xx reply)."""
    code, text = reply
    if not 200 <= code < 300:
        smtp.rset()
        raise _Refused(code, text, address)


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        which = (
            f"it would not accept {error.address} " if isinstance(error, _Refused) and error.address else ""
        )
        return f"{which}({error.smtp_code} {text.strip()})"
    return str(error) or type(error).__name__


def public_link(endpoint: str, **values: Any) -> str:
    """A full link for an e-mail, on the course's public address (PUBLIC_BASE_URL), never on a request's
    Host header: a link in an e-mail must not point wherever a forged request said."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    base: str = current_app.config["PUBLIC_BASE_URL"]
    return base.rstrip("/") + path


def mail(
    *, to: str, subject: str, body: str, cc: Iterable[str] = (), html: str | None = None
) -> dict[str, Any]:
    """One e-mail as queue_mails takes it."""
    return {"to": to, "subject": subject, "body": body, "cc": list(cc), "html": html}


def queue_mail(*, to: str, subject: str, body: str, cc: Iterable[str] = (), html: str | None = None) -> None:
    """Send an e-mail through the outbox: saved with the caller's transaction, delivered and retried."""
    enqueue(MAIL, mail(to=to, subject=subject, body=body, cc=cc, html=html))


def queue_mails(mails: list[dict[str, Any]]) -> None:
    """queue_mail for many e-mails (each built with `mail`), in one statement however many there are."""
    enqueue_many(MAIL, mails)


@handles(MAIL)
def _deliver(payload: dict[str, Any]) -> None:
    try:
        with Mailer(current_app.config) as mailer:
            mailer.send(
                mailer.compose(
                    to=payload["to"],
                    subject=payload["subject"],
                    body=payload["body"],
                    cc=payload.get("cc", ()),
                    html=payload.get("html"),
                )
            )
    except MailError as error:
        raise (Refuse if error.permanent else Retry)(str(error)) from error
