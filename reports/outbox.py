"""Deliver digests through the outbox: record the complete message first, send, mark each recipient after.

The order is what makes delivery survive a crash or an SMTP outage:

1. the message bytes (headers, Message-ID and Date included) are recorded in the store's outbox
   under the digest's id; recording the same digest again is a no-op;
2. :func:`flush_outbox` sends every pending message to every recipient not yet marked, one SMTP
   transaction per recipient, and marks that recipient as soon as the server accepts;
3. a failure leaves the rest pending; the next flush (the next run, or the daemon's timer) sends
   exactly those, the same bytes.

So a digest is never lost (it is stored before any attempt) and never sent twice to a recipient
once marked. The one window left is SMTP's own: a crash between the server's acceptance and the
mark (a few milliseconds) makes the next flush send that recipient the same message again, with
the same Message-ID, which mail systems use to drop duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.config import SmtpConfig
from pipelines.errors import PermanentSmtpError, TemporarySmtpError
from pipelines.models import OutboxMessage
from pipelines.store import Store
from reports.digest import Digest
from reports.mail import Mailer, build_message
from reports.render import render_text

log = logging.getLogger(__name__)


@dataclass
class FlushResult:
    """What one flush did: deliveries accepted, refused for good, and left for later."""

    sent: list[tuple[str, str]] = field(default_factory=list)  # (message id, recipient)
    refused: dict[tuple[str, str], str] = field(default_factory=dict)  # -> the server's reason
    error: str = ""  # why the flush stopped early (server down): everything unsent stays pending
    pending: int = 0  # (message, recipient) pairs still pending after the flush

    @property
    def ok(self) -> bool:
        return not self.error and not self.refused


def record_digest(
    store: Store,
    digest: Digest,
    *,
    smtp: SmtpConfig,
    recipients: Sequence[str],
    now: datetime | None = None,
) -> OutboxMessage:
    """Build the digest's message and record it in the outbox (before any sending); returns the record."""
    at = now or datetime.now(UTC)
    msg = build_message(digest, sender=smtp.sender, recipients=recipients, now=at,
                        list_unsubscribe=smtp.list_unsubscribe)  # fmt: skip
    record = OutboxMessage(
        id=digest.id,
        watch=digest.watch,
        created_at=at,
        subject=digest.subject,
        recipients=tuple(recipients),
        message=msg.as_bytes(),
        divergences=dict(digest.fingerprints),
    )
    if not store.outbox_add(record):
        log.info("digest %s of %s is already in the outbox", digest.id, digest.watch)
    return record


def record_archived(store: Store, digest: Digest, *, now: datetime | None = None) -> OutboxMessage:
    """Record a digest that was only written to the archive (no recipients, so nothing to send), so the
    watch's next digest is marked new / changed / resolved against what this one showed."""
    record = OutboxMessage(
        id=digest.id,
        watch=digest.watch,
        created_at=now or datetime.now(UTC),
        subject=digest.subject,
        recipients=(),
        message=render_text(digest).encode("utf-8"),
        divergences=dict(digest.fingerprints),
    )
    store.outbox_add(record)
    return record


def flush_outbox(
    store: Store,
    smtp: SmtpConfig,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FlushResult:
    """Send every pending digest to every recipient not yet marked, oldest first; never raises for
    an SMTP failure (it is in the result, and the message stays pending). The daemon calls this."""
    result = FlushResult()
    pending = store.outbox_pending()
    if not pending:
        return result
    with Mailer(smtp) as mailer:
        for message in pending:
            for recipient in message.pending:
                if result.error:
                    break
                try:
                    mailer.send(message.message, smtp.sender, recipient)
                except TemporarySmtpError as exc:
                    result.error = str(exc)  # the server is down or busy: stop, keep everything pending
                    log.warning("outbox flush stopped, will retry later: %s", exc)
                except PermanentSmtpError as exc:
                    if not exc.per_recipient:
                        result.error = str(exc)  # a refused login or TLS: no recipient can fare better
                        log.error("outbox flush stopped: %s", exc)
                        continue
                    # stays pending: the next flush tries again, and an operator sees it in the log
                    result.refused[(message.id, recipient)] = str(exc)
                    log.error("digest %s refused for %s: %s", message.id, recipient, exc)
                else:
                    store.outbox_mark_sent(message.id, recipient, clock())
                    result.sent.append((message.id, recipient))
    result.pending = sum(len(m.pending) for m in store.outbox_pending())
    return result


def deliver_digest(
    store: Store,
    digest: Digest,
    *,
    smtp: SmtpConfig,
    recipients: Sequence[str],
    now: datetime | None = None,
) -> FlushResult:
    """Record the digest, then flush the outbox (which sends it, and anything older still pending)."""
    record_digest(store, digest, smtp=smtp, recipients=recipients, now=now)
    return flush_outbox(store, smtp)
