"""Delivery against a real SMTP server (aiosmtpd on 127.0.0.1 with STARTTLS and AUTH): the MIME tree,
the headers, header injection, and the outbox (recorded before sending, exactly one copy after an outage)."""

from __future__ import annotations

import email
import logging
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from pipelines.config import SmtpConfig, parse_config
from pipelines.errors import ConfigError, DeliveryError, HeaderInjectionError
from pipelines.store import SQLiteStore
from reports import build_message, deliver_digest, flush_outbox, record_digest
from tests import digest_data as data
from tests.smtpserver import PASSWORD, USER, SmtpServer, free_port, make_certificate

RECIPIENTS = ("desk@example.org", "editor@example.org")


@pytest.fixture
def cert(tmp_path: Path) -> tuple[Path, Path]:
    return make_certificate(tmp_path)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def smtp(cert: tuple[Path, Path], port: int, tmp_path: Path) -> SmtpConfig:
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    return SmtpConfig(host="localhost", port=port, security="starttls", username=USER, password_file=secret,
                      ca_file=cert[0], sender="newswatch@example.org", timeout_s=10, attempts=2,
                      backoff_s=0.01)  # fmt: skip


@pytest.fixture
def server(cert: tuple[Path, Path], port: int) -> Iterator[SmtpServer]:
    with SmtpServer(port, cert) as s:
        yield s


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "db" / "newswatch.db")
    yield s
    s.close()


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_the_message_is_text_and_html_alternatives_with_the_chart_inline(tmp_path: Path) -> None:
    digest = data.digest(tmp_path)
    msg = parse(build_message(digest, sender="newswatch@example.org", recipients=RECIPIENTS, now=data.T0).as_bytes())
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()  # type: ignore[misc]
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    assert image.get_content().startswith(b"\x89PNG")
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    assert digest.summary in plain.get_content()
    assert "Why the &lt;i&gt;grand bargain&lt;/i&gt;" in html.get_content()
    assert msg["Subject"] == digest.subject == "[newswatch] truce: 6 divergences (1 story, 3 articles)"
    assert msg["From"] == "newswatch@example.org"
    assert msg["To"] == "desk@example.org, editor@example.org"
    assert msg["Message-ID"] == f"<digest-{digest.id}@example.org>"
    assert msg["Date"] == "Mon, 07 Jul 2025 08:00:00 +0000"
    assert msg["List-Unsubscribe"] == "<mailto:newswatch@example.org?subject=unsubscribe%20truce>"
    assert msg["Auto-Submitted"] == "auto-generated"


def test_a_line_break_in_any_header_value_is_refused(tmp_path: Path) -> None:
    cfg = data.config(tmp_path)
    evil = cfg.watches[0].model_copy(update={"name": "truce\r\nBcc: everyone@example.net"})  # bypasses validation
    digest = data.digest(tmp_path)
    from reports.digest import build_digest

    bad = build_digest(data.comparison(), data.divergences(), evil, {}, now=data.T0)
    with pytest.raises(HeaderInjectionError) as raised:
        build_message(bad, sender="newswatch@example.org", recipients=RECIPIENTS, now=data.T0)
    assert raised.value.header == "Subject"
    for recipient in ("desk@example.org\r\nBcc: x@example.net", "desk@example.org, x@example.net", "a@b\n.org"):
        with pytest.raises(DeliveryError):
            build_message(digest, sender="newswatch@example.org", recipients=(recipient,), now=data.T0)
    with pytest.raises(HeaderInjectionError):
        build_message(digest, sender="newswatch@example.org", recipients=RECIPIENTS, now=data.T0,
                      list_unsubscribe="https://x.example/u\r\nBcc: y@example.net")  # fmt: skip
    # the configuration refuses such values before any work
    for key, value in (("name", "truce\nBcc: x@example.net"), ("recipients", ["a@example.org\r\nBcc: b@c.de"])):
        with pytest.raises(ConfigError):
            data.config(tmp_path, **{key: value})
    with pytest.raises(ConfigError):
        parse_config({**_raw(), "smtp": {"list_unsubscribe": "mailto:x@example.org\r\nBcc: y@example.net"}},
                     tmp_path / "n.toml")  # fmt: skip


def _raw() -> dict:  # type: ignore[type-arg]
    return {"outlet": [{"name": "N", "homepage": "https://n.example/", "feeds": ["https://n.example/f"]}]}


def test_a_crawled_title_with_line_breaks_stays_in_the_body(tmp_path: Path) -> None:
    title = "Truce\r\nBcc: everyone@example.net\r\n\r\n<b>injected</b>"
    items = data.with_title(data.articles(), "a1", title)
    digest = data.digest(tmp_path, items=items)
    msg = parse(build_message(digest, sender="newswatch@example.org", recipients=RECIPIENTS, now=data.T0).as_bytes())
    assert msg["Bcc"] is None
    assert set(msg.keys()) >= {"Subject", "To"}
    plain, related = msg.get_payload()  # type: ignore[misc]
    assert "Bcc: everyone@example.net" in plain.get_content()
    assert "&lt;b&gt;injected&lt;/b&gt;" in related.get_payload()[0].get_content()


def test_a_digest_goes_out_over_starttls_with_auth_and_is_marked_per_recipient(
    tmp_path: Path, smtp: SmtpConfig, server: SmtpServer, store: SQLiteStore
) -> None:
    digest = data.digest(tmp_path)
    result = deliver_digest(store, digest, smtp=smtp, recipients=RECIPIENTS, now=data.T0)
    assert result.ok, result
    assert sorted(r for _, r in result.sent) == sorted(RECIPIENTS)
    received = server.wait_for(2)
    assert {r.rcpt_tos for r in received} == {(r,) for r in RECIPIENTS}
    assert all(r.tls and r.login == USER and r.mail_from == "newswatch@example.org" for r in received)
    recorded = store.outbox_last("truce")
    assert recorded is not None
    assert recorded.pending == ()
    assert recorded.divergences == digest.fingerprints
    assert received[0].content.replace(b"\r\n", b"\n") == recorded.message.replace(b"\r\n", b"\n")
    msg = parse(received[0].content)
    assert msg["Subject"] == digest.subject
    assert msg.get_content_type() == "multipart/alternative"
    # a flush with nothing pending sends nothing
    assert flush_outbox(store, smtp).sent == []
    assert len(server.messages) == 2


def test_with_the_server_down_the_digest_waits_in_the_outbox_and_goes_out_once_when_it_is_up(
    tmp_path: Path, smtp: SmtpConfig, cert: tuple[Path, Path], port: int, store: SQLiteStore
) -> None:
    digest = data.digest(tmp_path)
    down = deliver_digest(store, digest, smtp=smtp, recipients=RECIPIENTS, now=data.T0)
    assert down.sent == []
    assert "Connection refused" in down.error or "ConnectionRefused" in down.error
    assert down.pending == 2
    # the same digest rendered again by a retried run is not recorded twice
    again = deliver_digest(store, digest, smtp=smtp, recipients=RECIPIENTS, now=data.T0)
    assert again.pending == 2
    with SmtpServer(port, cert) as server:
        up = flush_outbox(store, smtp)
        assert up.ok
        assert up.pending == 0
        assert len(up.sent) == 2
        server.wait_for(2)
        assert flush_outbox(store, smtp).sent == []
        assert deliver_digest(store, digest, smtp=smtp, recipients=RECIPIENTS, now=data.T0).sent == []
        assert sorted(r.rcpt_tos[0] for r in server.messages) == sorted(RECIPIENTS)  # one copy each


def test_a_run_that_dies_after_recording_is_completed_by_the_next_flush(
    tmp_path: Path, smtp: SmtpConfig, server: SmtpServer
) -> None:
    path = tmp_path / "db" / "newswatch.db"
    first = SQLiteStore(path)
    record_digest(first, data.digest(tmp_path), smtp=smtp, recipients=RECIPIENTS, now=data.T0)
    first.close()  # the process dies here, before sending anything
    later = SQLiteStore(path)
    try:
        assert len(flush_outbox(later, smtp).sent) == 2
        assert flush_outbox(later, smtp).sent == []
    finally:
        later.close()
    assert len(server.wait_for(2)) == 2


def test_a_refused_recipient_stays_pending_while_the_others_are_served(
    tmp_path: Path, smtp: SmtpConfig, server: SmtpServer, store: SQLiteStore
) -> None:
    server.refuse.add("editor@example.org")
    result = deliver_digest(store, data.digest(tmp_path), smtp=smtp, recipients=RECIPIENTS, now=data.T0)
    assert [r for _, r in result.sent] == ["desk@example.org"]
    ((key, reason),) = result.refused.items()
    assert key[1] == "editor@example.org"
    assert "550" in reason
    assert [m.pending for m in store.outbox_pending()] == [("editor@example.org",)]
    server.refuse.clear()
    assert [r for _, r in flush_outbox(store, smtp).sent] == ["editor@example.org"]
    assert sorted(r.rcpt_tos[0] for r in server.wait_for(2)) == sorted(RECIPIENTS)


def test_a_wrong_password_stops_the_flush_without_showing_the_password(
    tmp_path: Path, smtp: SmtpConfig, server: SmtpServer, store: SQLiteStore, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("NEWSWATCH_SMTP_PASSWORD", "wrong-" + PASSWORD)
    wrong = smtp.model_copy(update={"password_file": None})
    caplog.set_level(logging.DEBUG)
    result = deliver_digest(store, data.digest(tmp_path), smtp=wrong, recipients=RECIPIENTS, now=data.T0)
    assert result.sent == []
    assert "login as 'newswatch' refused (535)" in result.error
    assert result.pending == 2
    assert PASSWORD not in caplog.text + result.error + repr(wrong)
    assert server.messages == []


def test_starttls_required_but_not_offered_is_refused_instead_of_sending_in_clear(
    tmp_path: Path, smtp: SmtpConfig, store: SQLiteStore
) -> None:
    with SmtpServer(smtp.port) as plain:  # no TLS, no AUTH
        result = deliver_digest(store, data.digest(tmp_path), smtp=smtp, recipients=RECIPIENTS, now=data.T0)
        assert re.search(r"no STARTTLS", result.error)
        assert plain.messages == []
        assert result.pending == 2


def test_a_temporary_refusal_is_retried_within_the_same_flush(
    tmp_path: Path, smtp: SmtpConfig, server: SmtpServer, store: SQLiteStore
) -> None:
    server.busy_once.add("desk@example.org")
    result = deliver_digest(store, data.digest(tmp_path), smtp=smtp, recipients=RECIPIENTS, now=data.T0)
    assert result.ok
    assert sorted(r for _, r in result.sent) == sorted(RECIPIENTS)
    assert sorted(r.rcpt_tos[0] for r in server.wait_for(2)) == sorted(RECIPIENTS)
    assert server.busy_once == set()  # it was refused once, then accepted on the retry


# aiosmtpd cannot see implicit TLS, so it warns that AUTH does not require (STARTTLS) TLS; here TLS is implicit
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_with_auth_delivers_and_a_plain_client_gets_nothing_through(
    tmp_path: Path, smtp: SmtpConfig, cert: tuple[Path, Path], port: int, store: SQLiteStore
) -> None:
    ssl_config = smtp.model_copy(update={"security": "ssl"})
    with SmtpServer(port, cert, implicit_tls=True) as server:
        no_tls = smtp.model_copy(update={"security": "none", "timeout_s": 0.5})
        plain = deliver_digest(store, data.digest(tmp_path), smtp=no_tls, recipients=RECIPIENTS[:1], now=data.T0)
        assert plain.sent == []
        assert plain.error
        result = flush_outbox(store, ssl_config)
        assert [r for _, r in result.sent] == ["desk@example.org"]
        (received,) = server.wait_for(1)
    assert received.login == USER


def test_smtp_urls_name_the_security_and_never_carry_a_password() -> None:
    assert SmtpConfig.from_url("smtp://127.0.0.1:2525").model_dump(include={"host", "port", "security"}) == {
        "host": "127.0.0.1", "port": 2525, "security": "none"}  # fmt: skip
    assert SmtpConfig.from_url("smtps://mail.example.org").port == 465
    starttls = SmtpConfig.from_url("smtp+starttls://desk@mail.example.org")
    assert (starttls.security, starttls.port, starttls.username) == ("starttls", 587, "desk")
    for bad in ("smtp://desk:secret@mail.example.org", "http://mail.example.org", "smtp://", "smtp://h:99999"):
        with pytest.raises(ConfigError) as raised:
            SmtpConfig.from_url(bad)
        assert "secret" not in str(raised.value)
