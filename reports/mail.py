"""Build a digest into one MIME message, and hand recorded messages to the SMTP server.

The message::

    multipart/alternative
    ├── text/plain                 the text digest
    └── multipart/related
        ├── text/html              the HTML digest, charts referenced as cid:...
        └── image/png ...          one inline part per chart, with its Content-ID

Every header value is checked before it is set: a line break or control character in any
configured or crawled value raises :class:`~pipelines.errors.HeaderInjectionError` instead of
becoming a header of its own. Crawled text (titles, sentences) only ever goes into the bodies,
whose transfer encoding makes it inert.

Sending uses smtplib (Scrapy's MailSender is deprecated) over implicit TLS or STARTTLS, with AUTH
when a username is configured, a timeout on every socket operation, and retries with exponential
backoff (tenacity) for what may pass: no connection, a dropped connection, 4xx replies. A 5xx
reply or a refused login is final and is not retried.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from types import TracebackType
from urllib.parse import quote

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from pipelines.config import SmtpConfig
from pipelines.errors import DeliveryError, HeaderInjectionError, PermanentSmtpError, TemporarySmtpError
from reports.digest import Digest
from reports.render import render_html, render_text

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def header_value(header: str, value: str) -> str:
    """``value`` if it is safe in a header, else HeaderInjectionError (never stripped silently)."""
    if _CONTROL.search(value):
        raise HeaderInjectionError(header, value)
    return value


def address(header: str, value: str) -> Address:
    """One bare address, parsed: a display name, a second address or a line break is refused."""
    header_value(header, value)
    try:
        parsed = Address(addr_spec=value)
    except (ValueError, IndexError) as exc:
        raise DeliveryError(f"{header}: {value!r} is not one email address ({exc})") from None
    if parsed.addr_spec != value or not parsed.domain or "," in value:
        raise DeliveryError(f"{header}: {value!r} is not one email address")
    return parsed


def build_message(
    digest: Digest,
    *,
    sender: str,
    recipients: Sequence[str],
    now: datetime,
    list_unsubscribe: str = "",
) -> EmailMessage:
    """The digest as one message: text and HTML alternatives, the charts inline, headers checked."""
    if not recipients:
        raise DeliveryError(f"watch {digest.watch!r} has no recipients")
    from_ = address("From", sender)
    to = [address("To", r) for r in recipients]
    unsubscribe = list_unsubscribe or f"mailto:{sender}?subject={quote('unsubscribe ' + digest.watch)}"
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = from_
    msg["To"] = to
    msg["Subject"] = header_value("Subject", digest.subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = header_value("Message-ID", f"<digest-{digest.id}@{from_.domain}>")
    msg["List-Id"] = header_value("List-Id", f"newswatch {digest.watch} <{_label(digest.watch)}.{from_.domain}>")
    msg["List-Unsubscribe"] = header_value("List-Unsubscribe", f"<{unsubscribe}>")
    if unsubscribe.startswith("https:"):
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a digest
    msg.set_content(render_text(digest), subtype="plain", cte="quoted-printable")
    msg.add_alternative(render_html(digest), subtype="html", cte="quoted-printable")
    if digest.charts:
        html_part = msg.get_payload()[1]  # type: ignore[index]
        for chart in digest.charts:
            html_part.add_related(
                chart.png,
                maintype="image",
                subtype="png",
                cid=header_value("Content-ID", f"<{chart.cid}>"),
                disposition="inline",
                filename=header_value("Content-Disposition", chart.filename),
            )
    return msg


def _label(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "watch"


# -- sending --------------------------------------------------------------------------------
def _temporary(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


class Mailer:
    """One SMTP session, opened on first use and reopened after a failure; use as a context manager."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, message: bytes, sender: str, recipient: str) -> None:
        """Hand ``message`` to the server for one recipient, retrying what may pass; raises
        TemporarySmtpError or PermanentSmtpError (the password never appears in either)."""
        retrying = Retrying(
            stop=stop_after_attempt(self.config.attempts),
            wait=wait_exponential(multiplier=self.config.backoff_s, max=max(60.0, self.config.backoff_s)),
            retry=retry_if_exception(_temporary),
            before_sleep=lambda _: self._drop(),
            reraise=True,
        )
        try:
            retrying(self._send_once, message, sender, recipient)
        except smtplib.SMTPAuthenticationError as exc:
            login = f"{self._where}: login as {self.config.username!r} refused ({exc.smtp_code})"
            raise PermanentSmtpError(login, per_recipient=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            problem = f"{self._where}: {recipient}: {_describe(exc)}"
            if _temporary(exc):
                raise TemporarySmtpError(problem) from None
            per_recipient = isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)
            raise PermanentSmtpError(problem, per_recipient=per_recipient) from None

    @property
    def _where(self) -> str:
        return f"SMTP {self.config.host}:{self.config.port}"

    def _send_once(self, message: bytes, sender: str, recipient: str) -> None:
        smtp = self._connection()
        try:
            smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPException:
            try:
                smtp.rset()  # a refused transaction leaves the session usable for the next recipient
            except (smtplib.SMTPException, OSError):
                self._drop()
            raise

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        cfg = self.config
        context = ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
        smtp: smtplib.SMTP
        if cfg.security == "ssl":
            smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_s)
        try:
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("the server offers no STARTTLS; refusing to send in clear")
                smtp.starttls(context=context)
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, cfg.password())
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        return f"{exc.smtp_code} {error.decode(errors='replace') if isinstance(error, bytes) else error}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"
