"""The widget in a real browser: Debian's chromium driven by playwright.

The host page is served from a different origin than the bot, with hostile CSS, and embeds
the widget with the one-line snippet, exactly as a clinic's website would.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LiveServer, free_port, live_server

from bot.services import Services

pytestmark = pytest.mark.browser

HOSTILE_CSS = """
* { color: #ff00ff !important; font-size: 31px !important; font-family: cursive !important;
    letter-spacing: 3px !important; box-sizing: content-box !important; }
div, section, button, textarea, a, p, span { background: yellow !important;
    border: 5px dashed red !important; padding: 20px !important; margin: 10px !important;
    display: inline !important; width: 13px !important; position: static !important; }
#clinic-bot-widget { display: block !important; }
"""


def serve_bot(services: Services, origin: str, rate_limit: str) -> Iterator[LiveServer]:
    with live_server(
        services, allowed_origins=origin, rate_limit=rate_limit, stream_delay_ms=10
    ) as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The clinic's own website: another origin, serving whatever pages a test writes."""
    root = tmp_path_factory.mktemp("site")
    port = free_port()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}", root
    httpd.shutdown()


@pytest.fixture(scope="module")
def bot(indexed: Services, site: tuple[str, Path]) -> Iterator[LiveServer]:
    yield from serve_bot(indexed, site[0], "1000/minute")


@pytest.fixture(scope="module")
def strict_bot(indexed: Services, site: tuple[str, Path]) -> Iterator[LiveServer]:
    yield from serve_bot(indexed, site[0], "2/minute")


def write_page(
    site: tuple[str, Path], name: str, bot: LiveServer, css: str = "", extra: str = ""
) -> str:
    base, root = site
    (root / name).write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{name}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{css}</style></head><body><h1>Clinic page</h1>"
        f"<a href='page2.html'>Next page</a> <a href='#top'>Top</a>{extra}"
        f'<script src="{bot.url}/widget.js" defer></script></body></html>'
    )
    return f"{base}/{name}"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


W = "#clinic-bot-widget >> "


def open_and_ask(page, question: str) -> None:
    if not page.locator(W + ".panel").is_visible():
        page.click(W + ".launcher")
    page.fill(W + "textarea", question)
    page.keyboard.press("Enter")


def ask_and_wait(page, question: str) -> None:
    """Ask, then wait until the reply has finished streaming."""
    done = (
        "() => document.querySelector('#clinic-bot-widget').shadowRoot"
        ".querySelectorAll('.msg.bot[data-state=done]').length"
    )
    before = page.evaluate(done)
    open_and_ask(page, question)
    page.wait_for_function(f"({done})() > {before}", timeout=15000)


def last_bot(page):
    return page.locator(W + ".msg.bot").last


def test_open_ask_streamed_answer_with_source_and_disclaimer(page, site, bot) -> None:
    page.goto(write_page(site, "index.html", bot, HOSTILE_CSS))
    page.click(W + ".launcher")
    panel = page.locator(W + ".panel")
    assert panel.is_visible()
    assert page.locator(W + ".chip").count() == 3
    assert page.locator(W + ".book").get_attribute("href") == "https://www.clinic.example/book"
    page.wait_for_function(
        "() => document.querySelector('#clinic-bot-widget').shadowRoot"
        ".querySelector('.disclaimer').textContent.includes('not medical advice')"
    )
    # Count how often the answer text grows while it arrives.
    page.evaluate("""() => {
        const log = document.querySelector('#clinic-bot-widget').shadowRoot.querySelector('.log');
        window.__updates = 0;
        new MutationObserver(() => window.__updates++).observe(
            log, {subtree: true, characterData: true, childList: true});
    }""")
    page.locator(W + ".chip").first.click()
    page.wait_for_selector(W + ".typing", timeout=5000)
    link = last_bot(page).locator(".sources a")
    link.wait_for(timeout=15000)
    assert link.get_attribute("href") == "https://www.clinic.example/blog/acupuncture-for-back-pain"
    assert link.get_attribute("target") == "_blank"
    assert page.evaluate("window.__updates") >= 3  # arrived in pieces, not at once
    assert "acupuncture" in last_bot(page).inner_text().lower()
    assert page.locator(W + ".disclaimer").is_visible()


def test_emergency_reply_is_distinct_with_tap_to_call(page, site, bot) -> None:
    page.goto(write_page(site, "index.html", bot))
    ask_and_wait(page, "I can't really feel down there when I wipe")
    alert = page.locator(W + ".msg.alert")
    assert alert.get_attribute("role") == "alert"
    assert "Medical emergency" in alert.locator(".banner").inner_text()
    assert alert.locator("a.tel").first.get_attribute("href") == "tel:911"
    assert alert.locator(".sources").count() == 0
    color = alert.evaluate("e => getComputedStyle(e).borderTopColor")
    assert color == "rgb(179, 38, 30)"


def test_message_text_is_never_run_as_html(page, site, bot) -> None:
    page.goto(write_page(site, "index.html", bot))
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    open_and_ask(page, payload)
    last_bot(page).locator(".text").wait_for(timeout=15000)
    page.wait_for_timeout(300)
    assert page.locator(W + ".msg.user").last.text_content() == payload
    assert (
        page.evaluate(
            "() => document.querySelector('#clinic-bot-widget').shadowRoot"
            ".querySelectorAll('img, .log script').length"
        )
        == 0
    )
    assert page.dialogs == []


def active_in_widget(page) -> str:
    return page.evaluate(
        "() => { const a = document.querySelector('#clinic-bot-widget').shadowRoot"
        ".activeElement; return a ? (a.className || a.tagName.toLowerCase()) : ''; }"
    )


def test_keyboard_only(page, site, bot) -> None:
    page.goto(write_page(site, "index.html", bot))
    for _ in range(6):
        page.keyboard.press("Tab")
        if active_in_widget(page) == "launcher":
            break
    assert active_in_widget(page) == "launcher"
    page.keyboard.press("Enter")
    assert page.locator(W + ".panel").is_visible()
    assert (
        active_in_widget(page) == ""
        or page.evaluate(
            "() => document.querySelector('#clinic-bot-widget').shadowRoot.activeElement.id"
        )
        == "cb-input"
    )
    page.keyboard.type("What is cupping?")
    page.keyboard.press("Enter")
    last_bot(page).locator(".sources a").wait_for(timeout=15000)
    focus_ring = page.locator(W + "textarea").evaluate("e => getComputedStyle(e).outlineStyle")
    assert focus_ring == "solid"
    page.keyboard.press("Escape")
    assert not page.locator(W + ".panel").is_visible()
    assert active_in_widget(page) == "launcher"
    labels = page.evaluate("""() => [...document.querySelector('#clinic-bot-widget').shadowRoot
        .querySelectorAll('button, textarea')].filter(e => !(e.getAttribute('aria-label') ||
        e.textContent.trim() || (e.id && e.getRootNode().querySelector(`label[for=${e.id}]`))))
        .length""")
    assert labels == 0


def test_phone_layout_is_full_screen(browser, site, bot) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True)
    page = context.new_page()
    page.goto(write_page(site, "index.html", bot))
    page.click(W + ".launcher")
    box = page.locator(W + ".panel").bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 700}
    context.close()


def test_conversation_survives_navigation_and_is_sent_as_history(page, site, bot) -> None:
    first = write_page(site, "index.html", bot)
    write_page(site, "page2.html", bot)
    page.goto(first)
    ask_and_wait(page, "What is sciatica?")
    page.click("text=Next page")
    page.wait_for_url("**/page2.html")
    page.locator(W + ".msg.user").first.wait_for(timeout=5000)
    assert page.locator(W + ".msg.user").first.inner_text() == "What is sciatica?"
    assert page.locator(W + ".panel").is_visible()

    with page.expect_request("**/api/chat/stream") as request:
        open_and_ask(page, "How many sessions does that take?")
    sent = request.value.post_data_json
    assert [t["role"] for t in sent["history"]] == ["user", "assistant"]
    assert sent["history"][0]["content"] == "What is sciatica?"
    page.wait_for_function(
        "() => document.querySelector('#clinic-bot-widget').shadowRoot"
        ".querySelectorAll('.rate').length === 2 && document.querySelector('#clinic-bot-widget')"
        ".shadowRoot.querySelectorAll('[data-state=streaming]').length === 0",
        timeout=15000,
    )
    assert "six to ten" in last_bot(page).inner_text()

    page.click(W + "button[aria-label='Start a new chat']")
    assert page.locator(W + ".msg.user").count() == 0
    page.reload()
    page.locator(W + ".launcher").wait_for()
    assert page.locator(W + ".msg.user").count() == 0


def test_rate_limit_and_errors_are_friendly_with_retry(page, site, strict_bot) -> None:
    page.goto(write_page(site, "limited.html", strict_bot))
    for question in ("What is cupping?", "What is qigong?"):
        ask_and_wait(page, question)
    open_and_ask(page, "Is acupuncture safe?")
    error = page.locator(W + ".status .error")
    error.wait_for(timeout=10000)
    assert "sending messages quickly" in error.inner_text()
    assert page.locator(W + ".retry").is_visible()


def test_network_and_server_errors_then_retry(page, site, bot) -> None:
    page.goto(write_page(site, "index.html", bot))
    page.route("**/api/chat/stream", lambda route: route.abort())
    open_and_ask(page, "What is cupping?")
    page.locator(W + ".status .error").wait_for(timeout=10000)
    assert "couldn't reach" in page.locator(W + ".status .error").inner_text()
    page.unroute("**/api/chat/stream")
    page.route("**/api/chat/stream", lambda route: route.fulfill(status=500, body="boom"))
    page.click(W + ".retry")
    page.wait_for_function(
        "() => document.querySelector('#clinic-bot-widget').shadowRoot"
        ".querySelector('.status').textContent.includes('went wrong')"
    )
    page.unroute("**/api/chat/stream")
    page.click(W + ".retry")
    last_bot(page).locator(".sources a").wait_for(timeout=15000)
    assert page.locator(W + ".msg.user").count() == 1  # a retry does not repeat the question


def test_feedback_reaches_the_server(page, site, bot) -> None:
    page.goto(write_page(site, "index.html", bot))
    open_and_ask(page, "Does acupuncture hurt?")
    last_bot(page).locator(".rate").wait_for(timeout=15000)
    with page.expect_response("**/api/feedback") as response:
        last_bot(page).locator("text=Not helpful").click()
    assert response.value.status == 204
    assert last_bot(page).locator("text=Not helpful").get_attribute("aria-pressed") == "true"
    ratings = [r for _, r, _ in bot.app.state.services.feedback.all()]
    assert "down" in ratings


STYLE_PROBE = """() => {
  const root = document.querySelector('#clinic-bot-widget').shadowRoot;
  const pick = (sel) => { const s = getComputedStyle(root.querySelector(sel));
    return [s.color, s.backgroundColor, s.fontSize, s.fontFamily, s.padding, s.display,
            s.width, s.borderTopStyle, s.letterSpacing].join('|'); };
  return ['.launcher', '.panel', 'header', 'h2', '.disclaimer', 'textarea', '.send', '.book',
          '.chip'].map(pick);
}"""


def test_host_css_leaves_the_widget_unchanged(page, site, bot) -> None:
    page.goto(write_page(site, "plain.html", bot))
    page.click(W + ".launcher")
    page.locator(W + ".chip").first.wait_for()
    plain = page.evaluate(STYLE_PROBE)
    page.evaluate("sessionStorage.clear()")
    page.goto(write_page(site, "hostile.html", bot, HOSTILE_CSS))
    page.click(W + ".launcher")
    page.locator(W + ".chip").first.wait_for()
    assert page.evaluate(STYLE_PROBE) == plain


CONTRAST_PROBE = """() => {
  const root = document.querySelector('#clinic-bot-widget').shadowRoot;
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const bg = (el) => { for (; el; el = el.parentElement || el.getRootNode().host) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && !c.startsWith('rgba(0, 0, 0, 0)')) return c; } return 'rgb(255, 255, 255)'; };
  return [...root.querySelectorAll('h2, .hbtn, .disclaimer, .msg, .chip, textarea, .send, .book')]
    .map(el => { const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(bg(el)));
      return [el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });
}"""


@pytest.mark.parametrize("color", [None, "#f5d76e"])
def test_text_contrast_is_at_least_4_5(page, site, bot, color) -> None:
    extra = f' data-color="{color}"' if color else ""
    base, root = site
    (root / "contrast.html").write_text(
        f'<!doctype html><html><body><script src="{bot.url}/widget.js"{extra} defer>'
        "</script></body></html>"
    )
    page.goto(f"{base}/contrast.html")
    page.click(W + ".launcher")
    page.locator(W + ".chip").first.wait_for()
    ratios = page.evaluate(CONTRAST_PROBE)
    assert ratios and all(ratio >= 4.5 for _, ratio in ratios), ratios
