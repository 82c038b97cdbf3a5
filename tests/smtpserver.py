"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, optionally with STARTTLS and AUTH.

The TLS certificate is made for each test run with ``cryptography`` (a self-signed CA for
``localhost`` and 127.0.0.1); the client trusts it through ``SmtpConfig.ca_file``, so the test
exercises real certificate verification. Received messages are kept with their envelope and
whether the session was encrypted and authenticated.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "newswatch", "s3cret-Passw0rd"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    tls: bool
    login: str


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.server.refuse:
            return "550 5.1.1 no such mailbox here"
        if address in self.server.busy_once:
            self.server.busy_once.discard(address)
            return "451 4.3.0 busy, try again"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ""
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        with self.server.arrived:
            self.server.messages.append(
                Received(
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    content=content,
                    tls=session.ssl is not None,
                    login=login,
                )
            )
            self.server.arrived.notify_all()
        return "250 Message accepted"


def _authenticator(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False on failure: the server itself then answers 535
    return AuthResult(success=ok, handled=ok, auth_data=auth_data if ok else None)


class SmtpServer:
    """aiosmtpd on 127.0.0.1:``port``; with ``cert`` it requires STARTTLS and AUTH (LOGIN/PLAIN), or with
    ``implicit_tls`` speaks TLS from the first byte (SMTPS) and requires AUTH."""

    def __init__(self, port: int, cert: tuple[Path, Path] | None = None, *, implicit_tls: bool = False) -> None:
        self.port = port
        self.messages: list[Received] = []
        self.refuse: set[str] = set()
        self.busy_once: set[str] = set()  # answered 451 once, then accepted
        self.arrived = threading.Condition()
        kwargs: dict[str, Any] = {}
        if cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            kwargs = {"tls_context": context, "require_starttls": True, "auth_required": True,
                      "authenticator": _authenticator}  # fmt: skip
        if cert and implicit_tls:
            # aiosmtpd cannot tell implicit TLS from none, so AUTH must not also demand STARTTLS
            kwargs = {"auth_required": True, "auth_require_tls": False, "authenticator": _authenticator}
            self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port, ssl_context=context,
                                         **kwargs)  # fmt: skip
            return
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout_s: float = 60.0) -> list[Received]:
        """The messages once ``count`` have arrived; AssertionError at the deadline."""
        deadline = time.monotonic() + timeout_s
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} messages arrived within {timeout_s} s")
                self.arrived.wait(left)
            return list(self.messages)
