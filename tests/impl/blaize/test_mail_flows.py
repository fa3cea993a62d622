"""The user flows end to end: the served app (real loopback HTTP server, with its lifespan)
sends the flows' mail through a real SMTP server (STARTTLS, AUTH), and following the links
signs the user in, changes the password, and changes the e-mail address."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from contractkit.impl.app import create_app
from contractkit.impl.blaize import build_context
from contractkit.impl.blaize.people.mail_delivery import send_due_now
from contractkit.impl.blaize.people.mail_transport import Outgoing
from contractkit.impl.blaize.people.models import OutboxMessage
from contractkit.impl.blaize.settings import load_blaize_settings
from contractkit.impl.config import ConfigurationError, Settings, load_settings
from contractkit.impl.db import Database
from contractkit.impl.timeutil import utcnow
from tests.impl.blaize.conftest import Admin, AdminFactory
from tests.impl.blaize.loopback import serve
from tests.impl.blaize.smtp_server import USERNAME, Mailbox, smtp_server

LINK = re.compile(r"https?://\S+")
SEED_USER = {
    "identifiers": {"email_address": "joe.blow@company.com"},
    "validators": {"password": "mysecurepassword123"},
}
SEED_PASSWORDLESS = {
    "identifiers": {"email_address": "joe.blow@company.com"},
    "delivery": {
        "method": "email",
        "destination": "joe.blow@company.com",
        "action": "login",
        "redirect": "/",
    },
}
SEED_RESET = {"identifiers": {"email_address": "joe.blow@company.com"}}
SEED_UPDATE_EMAIL = {"new_identifiers": {"email_address": "joe.new@company.com"}}


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[str, Mailbox]]:
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
def mail_env(blaize_env: dict[str, str], smtp: tuple[str, Mailbox]) -> dict[str, str]:
    return {**blaize_env, "BLAIZE_SMTP_URL": smtp[0], "BLAIZE_MAIL_POLL_SECONDS": "1"}


@pytest.fixture
def served(mail_env: dict[str, str], database: Database) -> Iterator[str]:
    app = create_app(["blaize"], settings=load_settings(mail_env), database=database)
    with serve(app) as origin:
        yield origin


def link_in(mailbox: Mailbox, count: int, recipient: str) -> str:
    """The link of message number ``count``, checked to have gone to ``recipient``."""
    received = mailbox.wait_for(count)
    assert len(received) == count, "the message did not arrive"
    last = received[-1]
    assert last.recipients == [recipient] and last.message["To"] == recipient
    assert (last.login, last.over_tls) == (USERNAME, True)
    body = last.message.get_content()
    (link,) = LINK.findall(body)
    return link


def test_the_seed_flows_complete_through_smtp_and_the_links(
    served: str, smtp: tuple[str, Mailbox], admin_factory: AdminFactory, database: Database
) -> None:
    admin: Admin = admin_factory("root@example.com")
    _, mailbox = smtp
    api = f"{served}/blaize"
    with httpx.Client(base_url=api, headers=admin.headers, timeout=30) as client:
        user_id = client.post("/v3/users", json=SEED_USER).json()["user_id"]

        # Passwordless sign-in: the link signs the user in and redirects as asked.
        started = client.post("/v3/users/token-exchange", json=SEED_PASSWORDLESS)
        assert started.status_code == 201, started.text
        link = link_in(mailbox, 1, "joe.blow@company.com")
        assert link.startswith(f"{api}/confirm/passwordless?token=")
        with httpx.Client(timeout=30) as browser:
            signed_in = browser.get(link)
            assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
            session_id = browser.cookies["blaize_session"]
            assert browser.get(link).status_code == 410  # single use
        found = client.get(f"/v3/sessions/{session_id}").json()
        assert found["sessions"][0]["authenticated"] is True and found["user_id"] == user_id

        # Password reset: the link shows a form; sending it changes the password.
        assert client.post("/v3/users/reset", json=SEED_RESET).status_code == 200
        link = link_in(mailbox, 2, "joe.blow@company.com")
        with httpx.Client(timeout=30) as browser:
            form = browser.get(link)
            assert form.status_code == 200 and 'name="password"' in form.text
            action = re.search(r'action="([^"]+)"', form.text)
            token = re.search(r'name="token" value="([^"]+)"', form.text)
            assert action is not None and token is not None
            changed = browser.post(
                f"{served}{action.group(1)}",
                data={"token": token.group(1), "password": "a brand new password"},
            )
            assert changed.status_code == 200 and "Password changed" in changed.text
            reused = browser.post(
                f"{served}{action.group(1)}",
                data={"token": token.group(1), "password": "yet another password"},
            )
            assert reused.status_code == 410 and "already used" in reused.text
        new_login = {**SEED_USER, "validators": {"password": "a brand new password"}}
        assert client.post("/v3/sessions", json=new_login).status_code == 200
        assert client.post("/v3/sessions", json=SEED_USER).status_code == 401
        # The reset ended the sessions the user had.
        assert client.get(f"/v3/sessions/{session_id}").status_code == 404

        # E-mail update: the link goes to the new address and moves the user to it.
        started = client.post(f"/v3/users/{user_id}/update-email", json=SEED_UPDATE_EMAIL)
        assert started.status_code == 200, started.text
        link = link_in(mailbox, 3, "joe.new@company.com")
        with httpx.Client(timeout=30) as browser:
            updated = browser.get(link)
            assert updated.status_code == 200 and "joe.new@company.com" in updated.text
        user = client.get(f"/v3/users/{user_id}").json()
        assert user["identifiers"] == {"email_address": "joe.new@company.com"}
        assert user["email_verified"] is True

    with database.transaction() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(row.status, row.attempts) for row in rows] == [("sent", 1)] * 3
        assert all(row.body == "" and row.link is None for row in rows)  # no token kept


async def start_resets(client: httpx.AsyncClient, admin: Admin, count: int) -> None:
    created = await client.post("/v3/users", json=SEED_USER, headers=admin.headers)
    assert created.status_code == 201
    for _ in range(count):
        answer = await client.post("/v3/users/reset", json=SEED_RESET, headers=admin.headers)
        assert answer.status_code == 200


async def test_without_smtp_messages_are_eml_files_and_the_link_is_logged(
    client: httpx.AsyncClient,
    admin: Admin,
    settings: Settings,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await start_resets(client, admin, 1)
    ctx = build_context(settings, database)
    with caplog.at_level("WARNING", logger="contractkit.impl.blaize.mail"):
        assert send_due_now(ctx) == 1
        assert send_due_now(ctx) == 0  # sent once
    (eml,) = sorted((settings.data_dir / "mail").glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "joe.blow@company.com"
    assert message["Subject"] == "Reset your password"
    (link,) = LINK.findall(message.get_content())
    assert "/blaize/confirm/password-reset?token=" in link
    assert link in eml.read_text()  # readable as it is (7-bit text)
    assert [link in record.getMessage() for record in caplog.records] == [True]


class Counting:
    """A transport that counts what it is handed, refusing everything when ``failing``."""

    def __init__(self, failing: bool = False) -> None:
        self.failing = failing
        self.handed: list[int] = []
        self.lock = threading.Lock()

    def deliver(self, outgoing: Outgoing) -> None:
        with self.lock:
            self.handed.append(outgoing.message_id)
        if self.failing:
            raise ConnectionRefusedError("SMTP server unreachable")


async def test_two_workers_never_send_one_message_twice(
    client: httpx.AsyncClient, admin: Admin, settings: Settings, database: Database
) -> None:
    await start_resets(client, admin, 12)
    ctx = build_context(settings, database)
    transport = Counting()
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        while send_due_now(ctx, transport, limit=3):
            pass

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(transport.handed) == sorted(set(transport.handed))
    assert len(transport.handed) == 12


async def test_failed_sends_are_retried_later_then_given_up(
    client: httpx.AsyncClient, admin: Admin, blaize_env: dict[str, str], database: Database
) -> None:
    settings = load_settings({**blaize_env, "BLAIZE_MAIL_MAX_ATTEMPTS": "2"})
    await start_resets(client, admin, 1)
    ctx = build_context(settings, database)
    failing = Counting(failing=True)
    assert send_due_now(ctx, failing) == 1
    assert send_due_now(ctx, failing) == 0  # waits for its back-off
    later = utcnow() + timedelta(minutes=5)
    assert send_due_now(ctx, failing, now=later) == 1
    with database.transaction() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert (row.status, row.attempts) == ("failed", 2)
        assert row.error == "ConnectionRefusedError: SMTP server unreachable"


@pytest.mark.parametrize(
    "url",
    ["http://mail.example.com", "smtp://", "smtp://host?tls=1", "smtp://host:notaport"],
)
def test_malformed_smtp_urls_are_refused_at_start(blaize_env: dict[str, str], url: str) -> None:
    with pytest.raises(ConfigurationError):
        load_blaize_settings(load_settings({**blaize_env, "BLAIZE_SMTP_URL": url}))
