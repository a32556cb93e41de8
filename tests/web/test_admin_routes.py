"""The staff interface: token auth, uploads, background refresh, rollback, content gaps."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import KNOWLEDGE, MOXA_ARTICLE, FakeEmbedder, live_server, reuse
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.feedback.gaps import GapLog
from bot.feedback.redact import redact
from bot.services import Services, build_services
from bot.web.app import create_app

TOKEN = "s3cret-admin-token-of-32-characters-or-more"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SITE = "https://clinic-site.example"


def staff_services(root: Path, model) -> Services:
    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    settings = Settings(
        data_dir=root / "data",
        knowledge_dir=knowledge,
        admin_token=TOKEN,
        admin_failure_limit="1000/minute",
        allowed_origins=SITE,
        stream_delay_ms=0,
    )
    services = build_services(settings, embedder=model)
    services.indexer.run(knowledge, progress=False)
    return services


@pytest.fixture
def staff(tmp_path: Path, model) -> Services:
    """Services a test may change: its own articles and index."""
    return staff_services(tmp_path, model)


@pytest.fixture
def knowledge_copy(staff: Services) -> Path:
    return staff.settings.knowledge_dir


@pytest.fixture
def admin(staff: Services) -> Iterator[TestClient]:
    with TestClient(create_app(staff.settings, build=reuse(staff))) as client:
        yield client


@pytest.fixture(scope="module")
def admin_ro(tmp_path_factory: pytest.TempPathFactory, model) -> Iterator[TestClient]:
    """One shared admin app for the tests that change nothing."""
    staff = staff_services(tmp_path_factory.mktemp("staff"), model)
    with TestClient(create_app(staff.settings, build=reuse(staff))) as client:
        yield client


def refresh_and_wait(client: TestClient) -> dict:
    assert client.post("/admin/api/refresh", headers=AUTH).status_code == 202
    for _ in range(600):
        status = client.get("/admin/api/refresh", headers=AUTH).json()
        if status["state"] != "running":
            return status
        time.sleep(0.1)
    raise AssertionError("refresh did not finish")


def test_admin_is_off_without_a_token(client: TestClient) -> None:
    assert client.get("/admin/api/articles").status_code == 404
    assert client.get("/admin").status_code == 404


@pytest.mark.parametrize(
    ("headers", "url"),
    [
        ({}, "/admin/api/articles"),
        ({"Authorization": "Bearer wrong-token"}, "/admin/api/articles"),
        ({"Authorization": TOKEN}, "/admin/api/articles"),
        ({}, f"/admin/api/articles?token={TOKEN}"),
        ({}, f"/admin/api/articles?access_token={TOKEN}"),
    ],
)
def test_missing_or_wrong_token_is_401(admin_ro: TestClient, headers: dict, url: str) -> None:
    response = admin_ro.get(url, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in response.text


def test_admin_api_is_not_open_to_the_widget_origins(admin_ro: TestClient) -> None:
    preflight = admin_ro.options(
        "/admin/api/articles", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    public = admin_ro.options(
        "/api/chat", headers={"Origin": SITE, "Access-Control-Request-Method": "POST"}
    )
    assert public.headers["access-control-allow-origin"] == SITE


def test_list_articles(admin: TestClient, staff: Services) -> None:
    body = admin.get("/admin/api/articles", headers=AUTH).json()
    assert body["version"] == staff.registry.read().version
    sciatica = next(a for a in body["articles"] if a["source"] == "sciatica.md")
    assert sciatica["title"] == "Acupuncture for Sciatica" and sciatica["chunks"] > 0
    assert len(sciatica["content_hash"]) == 64 and sciatica["in_folder"]


@pytest.mark.parametrize(
    ("name", "body", "status", "fragment"),
    [
        ("notes.exe", b"hello", 422, "plain file name"),
        (".hidden.md", b"# x\n\ntext", 422, "plain file name"),
        ("fake.pdf", b"# not a pdf", 422, "does not match the file type"),
        ("sneaky.md", b"%PDF-1.4 binary", 422, "does not match the file type"),
        ("latin.md", b"caf\xe9 au lait", 422, "not UTF-8"),
        ("empty.txt", b"   ", 422, "empty"),
        ("huge.md", b"# Big\n\n" + b"x" * 2_100_000, 413, "limit"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    admin_ro: TestClient, name: str, body: bytes, status: int, fragment: str
) -> None:
    response = admin_ro.put(f"/admin/api/articles/{name}", content=body, headers=AUTH)
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_upload_refresh_delete_rollback(admin: TestClient, staff: Services) -> None:
    first = staff.registry.read().version
    saved = admin.put(
        "/admin/api/articles/moxibustion.md", content=MOXA_ARTICLE.encode(), headers=AUTH
    )
    assert saved.status_code == 201
    assert admin.get("/admin/api/articles", headers=AUTH).json()["files_not_indexed"] == [
        "moxibustion.md"
    ]
    assert (
        admin.post("/api/chat", json={"message": "What is moxibustion?"}).json()["type"] != "answer"
    )

    status = refresh_and_wait(admin)
    assert status["state"] == "done", status
    assert status["done"] == status["total"] > 0
    staff.index.invalidate()
    reply = admin.post("/api/chat", json={"message": "What is moxibustion?"}).json()
    assert reply["sources"][0]["source"] == "moxibustion.md"

    assert admin.delete("/admin/api/articles/moxibustion.md", headers=AUTH).status_code == 200
    assert admin.delete("/admin/api/articles/moxibustion.md", headers=AUTH).status_code == 404
    assert refresh_and_wait(admin)["state"] == "done"
    listed = admin.get("/admin/api/articles", headers=AUTH).json()
    assert "moxibustion.md" not in [a["source"] for a in listed["articles"]]

    back = admin.post("/admin/api/rollback", headers=AUTH).json()
    assert back["version"] == listed["previous"] and back["version"] != first


def test_one_refresh_at_a_time(admin: TestClient, knowledge_copy: Path) -> None:
    (knowledge_copy / "moxibustion.md").write_text(MOXA_ARTICLE)
    assert admin.post("/admin/api/refresh", headers=AUTH).status_code == 202
    second = admin.post("/admin/api/refresh", headers=AUTH)
    assert second.status_code == 409 and "already running" in second.json()["error"]
    admin.app.state.services.refresh.wait(120)


def test_failed_refresh_reports_why(
    admin: TestClient, knowledge_copy: Path, staff: Services
) -> None:
    before = staff.registry.read().version
    (knowledge_copy / "sciatica.md").unlink()
    status = refresh_and_wait(admin)
    assert status["state"] == "failed" and "should find sciatica.md" in status["message"]
    assert staff.registry.read().version == before


def test_content_gaps_are_recorded_redacted_and_grouped(admin: TestClient) -> None:
    for message in (
        "Does insurance cover acupuncture? My name is Jane Smith, jane@example.com",
        "Is acupuncture covered by my insurance plan? call me on 310-555-0199",
        "Will my health insurance pay for acupuncture? I was born 03/04/1980",
        "What's the weather tomorrow?",
    ):
        admin.post("/api/chat", json={"message": message})
    stream = admin.post("/api/chat/stream", json={"message": "What is cupping?"})
    answer_id = stream.text.split('"id": "')[1].split('"')[0]
    admin.post("/api/feedback", json={"answer_id": answer_id, "rating": "down"})

    groups = admin.get("/admin/api/gaps", headers=AUTH).json()
    text = str(groups)
    for secret in ("Jane", "Smith", "jane@example.com", "310-555-0199", "03/04/1980"):
        assert secret not in text
    insurance = max(groups, key=lambda g: g["count"])
    assert insurance["count"] == 3 and insurance["kinds"] == {"no_answer": 3}
    kinds = {k for g in groups for k in g["kinds"]}
    assert kinds == {"no_answer", "out_of_scope", "thumbs_down"}
    page = admin.get("/admin/api/gaps?limit=1&offset=1", headers=AUTH).json()
    assert page == groups[1:2]


def test_gap_retention(tmp_path: Path) -> None:
    log = GapLog(tmp_path / "gaps.sqlite3", retention_days=90, embedder=FakeEmbedder())
    assert log.rows() == []  # opens the file (it is created on first use)
    with sqlite3.connect(tmp_path / "gaps.sqlite3") as db:
        db.execute(
            "INSERT INTO gaps (question, kind, created) VALUES ('old question', 'no_answer', ?)",
            (time.time() - 91 * 86400,),
        )
    assert log.rows() == []
    log.record("new question", "no_answer")
    with sqlite3.connect(tmp_path / "gaps.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM gaps").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm Bob, my name is Robert Jones", "I'm [name], my name is [name]"),
        ("I'm John Smith and my back hurts", "I'm [name] and my back hurts"),
        ("I live at 1450 N. Main Street, Santa Monica", "I live at [address], Santa Monica"),
        ("my MRN is 12345678", "my [record]"),
        ("member id: AB12345 please", "member [record] please"),
        ("hello \u202eevil\u202c text", "hello evil text"),
        ("born on March 3, 1975", "born on [date]"),
        ("dob 1980-02-01", "dob [date]"),
        ("mail a.b+c@mail.co.uk now", "mail [email] now"),
        ("phone +1 (310) 555-0199", "phone [phone]"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.browser
def test_staff_page_sign_in_upload_refresh_and_answer(
    browser, staff: Services, tmp_path: Path
) -> None:
    article = tmp_path / "moxibustion.md"
    article.write_text(MOXA_ARTICLE)
    with live_server(staff, rate_limit="1000/minute") as server:
        page = browser.new_page()
        page.goto(server.url + "/admin")
        page.fill("#token", "wrong")
        page.click("#signin-form button")
        page.wait_for_selector("#signin-msg.error")
        page.fill("#token", TOKEN)
        page.click("#signin-form button")
        page.wait_for_selector("#articles tr")
        assert "sciatica.md" in page.inner_text("#articles")
        page.set_input_files("#file", str(article))
        page.click("#upload-form button")
        page.wait_for_selector("#pending:has-text('moxibustion.md')")
        page.click("#refresh")
        # The page's CSP forbids eval, so waits use selectors, not JS expressions.
        page.wait_for_selector("#refresh-msg:has-text('refresh complete')", timeout=120000)
        page.wait_for_selector("#articles:has-text('moxibustion.md')")
        page.close()
        staff.index.invalidate()
        import httpx

        reply = httpx.post(server.url + "/api/chat", json={"message": "What is moxibustion?"})
        assert reply.json()["sources"][0]["source"] == "moxibustion.md"


def test_an_upload_that_parses_too_long_is_refused(tmp_path: Path, model) -> None:
    staff = staff_services(tmp_path, model)
    settings = staff.settings.model_copy(update={"admin_parse_timeout": 0.5})
    # About 1.8 MB of HTML: trafilatura needs seconds, far past the half-second allowed.
    page = b"<html><body><main>" + b"<p>Acupuncture helps back pain. " * 55_000 + b"</main>"
    with TestClient(create_app(settings, build=reuse(staff))) as client:
        response = client.put("/admin/api/articles/big.html", content=page, headers=AUTH)
        assert response.status_code == 422
        assert "took over 0.5 s to read" in response.json()["error"]
        assert client.get("/health").status_code == 200
    assert not (staff.settings.knowledge_dir / "big.html").exists()
