"""Where the user flows' messages go: an SMTP server, or ``.eml`` files a person can read.

``BLAIZE_SMTP_URL`` (or ``SMTP_URL``) chooses: ``smtp://user:pass@host:587?starttls=1``
(plain SMTP, upgraded with STARTTLS when ``starttls=1``), ``smtps://user:pass@host:465``
(implicit TLS), or ``file:///path/to/folder``; ``timeout=<seconds>`` and ``cafile=<path>`` (the
certificates to trust instead of the system's) are further options. Unset, messages are
written as ``.eml`` files under ``<data dir>/mail`` and each one's link is logged: nothing is
sent, which needs no set-up and is what development wants.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from contractkit.impl.config import ConfigurationError

logger = logging.getLogger("contractkit.impl.blaize.mail")

DEFAULT_SENDER = "Blaize <no-reply@blaize.localhost>"
TRUE_WORDS = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Outgoing:
    """One message ready to leave: who to, about what, and the link it carries."""

    message_id: int
    recipient: str
    subject: str
    body: str
    link: str | None


class Transport(Protocol):
    def deliver(self, outgoing: Outgoing) -> None:
        """Hand the message on; raise on failure (it is retried)."""
        ...


def compose(outgoing: Outgoing, sender: str) -> EmailMessage:
    """The RFC 5322 message of an outgoing one."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.recipient
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rsplit("@", 1)[-1].rstrip(">") or "blaize.localhost"
    message["Message-ID"] = make_msgid(f"outbox.{outgoing.message_id}", domain=domain)
    # Plain 7-bit text when it can be (readable as it is, links unbroken), else quoted-printable.
    readable = outgoing.body.isascii() and all(
        len(line) <= 998 for line in outgoing.body.splitlines()
    )
    message.set_content(outgoing.body, cte="7bit" if readable else "quoted-printable")
    return message


@dataclass(frozen=True)
class SmtpTransport:
    """Sends through an SMTP server (``smtplib``), with STARTTLS or implicit TLS and login."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    starttls: bool = False
    timeout: float = 10.0
    cafile: str | None = None

    def deliver(self, outgoing: Outgoing) -> None:
        message = compose(outgoing, self.sender)
        context = ssl.create_default_context(cafile=self.cafile)
        client: smtplib.SMTP
        if self.implicit_tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.username is not None:
                client.login(self.username, self.password or "")
            client.send_message(message)
        logger.info("mail %s sent to %s via %s", outgoing.message_id, outgoing.recipient, self.host)


@dataclass(frozen=True)
class FolderTransport:
    """Writes each message as ``<folder>/<id>.eml`` (written aside, then moved into place) and
    logs its link: the development default, nothing leaves the machine."""

    folder: Path
    sender: str

    def deliver(self, outgoing: Outgoing) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{outgoing.message_id:08d}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(bytes(compose(outgoing, self.sender)))
        os.replace(partial, target)
        logger.warning(
            "mail not sent (no BLAIZE_SMTP_URL): %r to %s written to %s; link: %s",
            outgoing.subject,
            outgoing.recipient,
            target,
            outgoing.link,
        )


def transport_from_url(
    url: str | None, default_folder: Path, sender: str = DEFAULT_SENDER
) -> Transport:
    """The transport an ``smtp://``, ``smtps://`` or ``file://`` URL names; no URL: the
    ``default_folder`` (``<data dir>/mail``)."""
    if not url:
        return FolderTransport(default_folder, sender)
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FolderTransport(Path(unquote(parts.path)), sender)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigurationError(
            "BLAIZE_SMTP_URL must be smtp://[user:pass@]host[:port][?starttls=1], "
            "smtps://[user:pass@]host[:port] or file:///folder"
        )
    options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    unknown = sorted(set(options) - {"starttls", "timeout", "cafile"})
    if unknown:
        raise ConfigurationError(f"BLAIZE_SMTP_URL: unknown option(s) {', '.join(unknown)}")
    implicit = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if implicit else 25)
        timeout = float(options.get("timeout", "10"))
    except ValueError as error:
        raise ConfigurationError(f"BLAIZE_SMTP_URL: {error}") from None
    return SmtpTransport(
        host=parts.hostname,
        port=port,
        sender=sender,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit,
        starttls=not implicit and options.get("starttls", "0").lower() in TRUE_WORDS,
        timeout=timeout,
        cafile=options.get("cafile"),
    )
