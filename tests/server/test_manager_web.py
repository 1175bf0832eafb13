"""The manager's web pages on a real server over loopback: signing in and out, every refusal, and the exports.

A browser is played by an httpx client that keeps cookies; the page itself is
rendered in Chromium by tests/device/ui/test_manager_page.py.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from liaison.server.cli import cli
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import SignInThrottle, User, WebCredential, WebSession
from liaison.server.security import hash_token
from liaison.server.web import auth, passwords, throttle
from tests.server.test_insights_report import insight, push
from tests.server.test_routes import Device

PASSWORD = "a manager's long passphrase"


@pytest.fixture
def boss(server: EmbeddedServer) -> str:
    server.create_user("boss@example.org", "Grace Manager", role="manager")
    auth.set_password(server.engine, email="boss@example.org", password=PASSWORD)
    return "boss@example.org"


@pytest.fixture
def browser(server: EmbeddedServer) -> httpx.Client:
    return httpx.Client(base_url=server.url)


def sign_in(client: httpx.Client, email: str, password: str, **headers: str) -> httpx.Response:
    form = client.get("/manager/login", headers=headers)
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post("/manager/login", data={"email": email, "password": password, "csrf": token.group(1)}, headers=headers)


def csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def cookie_header(response: httpx.Response, name: str) -> str:
    return next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{name}="))


def test_a_manager_signs_in_sees_the_dashboard_and_signs_out(server: EmbeddedServer, boss: str, browser: httpx.Client) -> None:
    away = browser.get("/manager/")
    assert (away.status_code, away.headers["location"]) == (303, "/manager/login")
    signed = sign_in(browser, boss, PASSWORD)
    assert (signed.status_code, signed.headers["location"]) == (303, "/manager/")
    cookie = cookie_header(signed, auth.SESSION_COOKIE).lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/manager" in cookie and "secure" not in cookie
    page = browser.get("/manager/")
    assert page.status_code == 200 and "Insight themes" in page.text and "Grace Manager" in page.text
    token = browser.cookies[auth.SESSION_COOKIE]
    with Session(server.engine) as session:
        [stored] = session.exec(select(WebSession)).all()
    assert stored.token_hash == hash_token(token) != token
    assert timedelta(hours=7) < stored.expires_at - datetime.now(UTC) <= auth.SESSION_LIFETIME

    out = browser.post("/manager/logout", data={"csrf": csrf_of(page)})
    assert (out.status_code, out.headers["location"]) == (303, "/manager/login")
    with Session(server.engine) as session:
        assert session.exec(select(WebSession)).all() == []
    assert httpx.get(f"{server.url}/manager/", cookies={auth.SESSION_COOKIE: token}).status_code == 303


def test_the_page_loads_nothing_from_elsewhere_and_says_so_in_its_headers(boss: str, browser: httpx.Client) -> None:
    sign_in(browser, boss, PASSWORD)
    page = browser.get("/manager/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert "<script" not in page.text and not re.search(r'(src|href)="(https?:)?//', page.text)


def test_passwords_are_stored_only_as_argon2id_hashes(server: EmbeddedServer, boss: str) -> None:
    server.create_user("chief@example.org", "Chief", role="admin")
    auth.set_password(server.engine, email="chief@example.org", password=PASSWORD)
    with Session(server.engine) as session:
        hashes = [credential.password_hash for credential in session.exec(select(WebCredential)).all()]
    assert len(hashes) == 2 and hashes[0] != hashes[1]
    assert all(value.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and PASSWORD not in value for value in hashes)
    assert passwords.verify_password(PASSWORD, hashes[0]) and not passwords.verify_password(PASSWORD + "x", hashes[0])


def test_a_wrong_password_or_an_unknown_email_is_refused_alike(boss: str, browser: httpx.Client) -> None:
    for email, password in ((boss, "not the password"), ("nobody@example.org", PASSWORD)):
        refused = sign_in(browser, email, password)
        assert refused.status_code == 401 and "Wrong e-mail or password." in refused.text
        assert auth.SESSION_COOKIE not in browser.cookies
    assert browser.get("/manager/").status_code == 303


def test_repeated_wrong_passwords_lock_the_address_for_a_while_even_for_the_right_one(
    server: EmbeddedServer, boss: str, browser: httpx.Client
) -> None:
    for _ in range(throttle.MAX_FAILURES):
        assert sign_in(browser, boss, "a guess at the password").status_code == 401
    locked = sign_in(browser, boss, PASSWORD)
    assert locked.status_code == 429 and "Too many failed sign-ins for this e-mail address; try again in 15 minutes." in locked.text
    assert auth.SESSION_COOKIE not in browser.cookies
    with Session(server.engine) as session:
        [pair] = session.exec(select(SignInThrottle).where(SignInThrottle.email_hash == hash_token(boss))).all()
        assert all(boss not in row.key and "127.0.0.1" not in row.key for row in session.exec(select(SignInThrottle)))
        pair.locked_until = datetime.now(UTC) - timedelta(seconds=1)  # the quarter of an hour has passed
        session.add(pair)
        session.commit()
    assert sign_in(browser, boss, PASSWORD).status_code == 303
    with Session(server.engine) as session:
        assert session.exec(select(SignInThrottle).where(SignInThrottle.email_hash == hash_token(boss))).all() == [], (
            "a good sign-in clears the count"
        )


def test_unknown_addresses_are_locked_alike_and_a_new_password_lifts_a_lock(server: EmbeddedServer, boss: str, browser: httpx.Client) -> None:
    for email in ("nobody@example.org", boss):
        for _ in range(throttle.MAX_FAILURES):
            sign_in(browser, email, "wrong")
        assert sign_in(browser, email, "wrong").status_code == 429
    auth.set_password(server.engine, email=boss, password=PASSWORD + " renewed")
    assert sign_in(browser, boss, PASSWORD + " renewed").status_code == 303


def test_an_msl_is_refused_with_a_password_a_session_or_a_device_token(server: EmbeddedServer, boss: str, browser: httpx.Client) -> None:
    msl = Device(server, "ada@example.org", manager=boss)
    with Session(server.engine) as session:
        ada_id = session.exec(select(User.id).where(User.email == "ada@example.org")).one()
        session.add(WebCredential(user_id=ada_id, password_hash=passwords.hash_password(PASSWORD), updated_at=datetime.now(UTC)))  # type: ignore[arg-type]
        session.commit()
    refused = sign_in(browser, "ada@example.org", PASSWORD)
    assert refused.status_code == 403 and "Only managers and administrators" in refused.text
    assert auth.SESSION_COOKIE not in browser.cookies
    with Session(server.engine) as session:
        token = "planted-session"
        session.add(
            WebSession(token_hash=hash_token(token), user_id=ada_id, created_at=datetime.now(UTC), expires_at=datetime.now(UTC) + timedelta(hours=1))
        )  # type: ignore[arg-type]
        session.commit()
    assert httpx.get(f"{server.url}/manager/", cookies={auth.SESSION_COOKIE: token}).status_code == 403
    assert msl.client.get("/manager/").status_code == 403
    exported = msl.client.get("/manager/insights.json")
    assert exported.status_code == 403 and exported.json()["error"]["code"] == "forbidden"


def test_no_session_a_forged_one_or_an_expired_one_is_sent_to_sign_in(server: EmbeddedServer, boss: str, browser: httpx.Client) -> None:
    assert httpx.get(f"{server.url}/manager/", cookies={auth.SESSION_COOKIE: "forged"}).status_code == 303
    sign_in(browser, boss, PASSWORD)
    with Session(server.engine) as session:
        for row in session.exec(select(WebSession)).all():
            row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
            session.add(row)
        session.commit()
    assert browser.get("/manager/").headers["location"] == "/manager/login"
    assert browser.get("/manager/insights.csv").status_code == 401


def test_forms_posted_without_their_token_or_from_another_site_are_refused(server: EmbeddedServer, boss: str, browser: httpx.Client) -> None:
    stranger = httpx.Client(base_url=server.url)
    forged = stranger.post("/manager/login", data={"email": boss, "password": PASSWORD, "csrf": "guessed"})
    assert forged.status_code == 403 and auth.SESSION_COOKIE not in stranger.cookies
    form = browser.get("/manager/login")
    elsewhere = browser.post(
        "/manager/login", data={"email": boss, "password": PASSWORD, "csrf": csrf_of(form)}, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403 and "another site" in elsewhere.text
    sign_in(browser, boss, PASSWORD)
    kept = browser.post("/manager/logout", data={"csrf": "wrong"})
    assert kept.status_code == 403
    assert browser.get("/manager/").status_code == 200  # still signed in


def test_behind_tls_the_cookies_are_secure(server: EmbeddedServer, boss: str) -> None:
    """A TLS-terminating proxy on the same host says https; this client, on plain http, replays the cookie itself."""
    behind_tls = {"X-Forwarded-Proto": "https"}
    form = httpx.get(f"{server.url}/manager/login", headers=behind_tls)
    sign_in_cookie = cookie_header(form, auth.SIGN_IN_COOKIE)
    assert "secure" in sign_in_cookie.lower()
    signed = httpx.post(
        f"{server.url}/manager/login",
        data={"email": boss, "password": PASSWORD, "csrf": csrf_of(form)},
        headers={**behind_tls, "Cookie": sign_in_cookie.split(";")[0]},
    )
    assert signed.status_code == 303
    assert "secure" in cookie_header(signed, auth.SESSION_COOKIE).lower()


def test_the_exports_carry_the_same_numbers_with_a_session_or_a_managers_device_token(
    server: EmbeddedServer, boss: str, browser: httpx.Client
) -> None:
    ada = Device(server, "ada@example.org", territory="north", manager=boss)
    push(ada, *(insight(ada, "access_barriers", f"2026-05-0{day}", text=f'=HYPERLINK("x") formula number {day}') for day in (1, 2, 3)))
    push(ada, insight(ada, "safety_perception", "2026-04-09"))
    query = {"period": "month", "periods": "3", "as_of": "2026-05-20"}
    assert browser.get("/manager/insights.json", params=query).status_code == 401
    sign_in(browser, boss, PASSWORD)
    document = browser.get("/manager/insights.json", params=query).json()
    assert (document["insights"], document["signals"], document["periods"]) == (4, 4, ["2026-03", "2026-04", "2026-05"])
    assert {(row["dimension"], row["value"], row["theme"], row["period"], row["count"]) for row in document["counts"]} >= {
        ("region", "north", "access_barriers", "2026-05", 3),
        ("therapeutic_area", "Oncology", "safety_perception", "2026-04", 1),
    }
    rows = list(csv.DictReader(io.StringIO(browser.get("/manager/insights.csv", params=query).text)))
    counts = [row for row in rows if row["kind"] == "count"]
    assert len(counts) == len(document["counts"])
    assert {row["theme"] for row in rows if row["kind"] == "emerging" and row["emerging"] == "yes"} == {"access_barriers"}
    assert all(row["text"].startswith("'=") for row in rows if row["kind"] == "example" and row["theme"] == "access_barriers")

    manager_device = Device(server, boss, name="tablet")
    assert manager_device.client.get("/manager/insights.json", params=query).json() == document


def test_bad_report_parameters_are_refused_naming_the_parameter(boss: str, browser: httpx.Client) -> None:
    sign_in(browser, boss, PASSWORD)
    refused = browser.get("/manager/insights.json", params={"periods": "99"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "periods"
    assert browser.get("/manager/insights.csv", params={"as_of": "May"}).json()["error"]["message"].startswith("as_of:")
    assert browser.get("/manager/", params={"period": "year"}).status_code == 422
    assert browser.get("/manager/nothing.json").status_code == 404


runner = CliRunner()


def test_set_password_from_the_command_line_only_for_managers_and_administrators(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert (
        runner.invoke(cli, ["create-user", "--email", "boss@example.org", "--name", "Boss", "--role", "manager", "--database-url", url]).exit_code
        == 0
    )
    assert runner.invoke(cli, ["create-user", "--email", "ada@example.org", "--name", "Ada", "--role", "msl", "--database-url", url]).exit_code == 0
    done = runner.invoke(cli, ["set-password", "--email", "boss@example.org", "--database-url", url], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert done.exit_code == 0 and "password set for manager boss@example.org" in done.output and PASSWORD not in done.output
    for email, password, message in (
        ("ada@example.org", PASSWORD, "error: email: ada@example.org is an MSL; only managers and administrators"),
        ("boss@example.org", "short", "error: password: must be at least 12 characters"),
    ):
        refused = runner.invoke(cli, ["set-password", "--email", email, "--database-url", url], input=f"{password}\n{password}\n")
        assert refused.exit_code == 1 and message in refused.output


def test_a_typed_email_is_shown_back_escaped(server: EmbeddedServer, browser: httpx.Client) -> None:
    refused = sign_in(browser, '"><script>alert(1)</script>@example.org', "whatever")
    assert refused.status_code == 401 and "<script" not in refused.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.org"' in refused.text
