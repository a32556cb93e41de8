/* Clinic bot widget: <script src="https://BOT-HOST/widget.js" defer></script>
 * Optional data- attributes: data-api, data-title, data-color, data-position (left|right),
 * data-greeting. Renders inside a Shadow DOM; never inserts message text as HTML. */
(function () {
  "use strict";
  if (window.__clinicBotWidget) return;
  window.__clinicBotWidget = true;

  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  var data = (script && script.dataset) || {};
  var api = (data.api || (script ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, "");
  var title = data.title || "Ask our clinic";
  var color = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(data.color || "") ? data.color : "#24524a";
  var side = data.position === "left" ? "left" : "right";
  var STORE = "clinic-bot:" + api;
  // Limits come from the server's /api/config; these are only used until it answers.
  var limits = { history: 20, chars: 2000 };
  var SAFETY = { emergency: 1, urgent: 1, crisis: 1 };

  var config = {
    greeting: data.greeting || "Hello! I can answer questions about back pain, how acupuncture works, what to expect at your first visit and how to prevent injury.",
    disclaimer: "General information from our clinic's articles, not medical advice.",
    booking: null, emergency_number: "911",
    suggestions: ["How does acupuncture help back pain?", "What happens at my first visit?", "How can I avoid hurting my back again?"]
  };
  var state = load();
  var busy = false;
  var lastQuestion = null;

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage blocked or corrupt: start fresh */ }
    return { open: false, messages: [], session: newId() };
  }
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function newId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function safeUrl(url) {
    try {
      var u = new URL(url, api);
      return (u.protocol === "https:" || u.protocol === "http:") ? u.href : null;
    } catch (e) { return null; }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    if (text != null) node.textContent = text;
    return node;
  }
  function readableOn(hex) {
    var h = hex.length === 4 ? hex.replace(/#(.)(.)(.)/, "#$1$1$2$2$3$3") : hex;
    var lum = [1, 3, 5].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return (L + 0.05) / 0.05 > 1.05 / (L + 0.05) ? "#111111" : "#ffffff";
  }

  var css = [
    // !important inside the shadow tree outranks the host page's !important on the host element.
    ":host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;bottom:20px!important;" + side + ":20px!important;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif!important;color:#1d2327!important}",
    "*,*::before,*::after{box-sizing:border-box}",
    "button,textarea,a{font:inherit}",
    ".launcher{width:60px;height:60px;border-radius:50%;border:0;cursor:pointer;background:var(--c);color:var(--on);box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}",
    ".launcher svg{width:28px;height:28px;fill:currentColor}",
    ":focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}",
    ".panel{position:absolute;bottom:76px;" + side + ":0;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--c);color:var(--on)}",
    "h2{margin:0;font-size:17px;font-weight:600;flex:1}",
    ".hbtn{background:transparent;border:1px solid currentColor;color:inherit;border-radius:8px;padding:4px 10px;cursor:pointer;font-size:14px}",
    ".close{font-size:20px;line-height:1;padding:2px 10px}",
    ".disclaimer{margin:0;padding:8px 14px;background:#fff8e1;color:#4a3b00;font-size:13px;border-bottom:1px solid #eadfb4}",
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f6f7f8}",
    ".msg{max-width:88%;padding:9px 12px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".user{align-self:flex-end;background:var(--c);color:var(--on);border-bottom-right-radius:4px}",
    ".bot{align-self:flex-start;background:#fff;color:#1d2327;border:1px solid #dde1e4;border-bottom-left-radius:4px}",
    ".alert{border:2px solid #b3261e;background:#fdecea;color:#410e0b}",
    ".banner{display:block;margin:-9px -12px 8px;padding:6px 12px;background:#b3261e;color:#fff;font-weight:700;border-radius:10px 10px 0 0}",
    ".tel{display:inline-block;margin-top:8px;margin-right:8px;padding:6px 12px;background:#b3261e;color:#fff;border-radius:8px;text-decoration:none;font-weight:600}",
    ".sources{margin:8px 0 0;padding:0;list-style:none;font-size:14px}",
    ".sources a{color:#0b57d0}",
    ".rate{display:flex;gap:6px;margin-top:6px}",
    ".rate button{border:1px solid #8a949b;background:#fff;color:#1d2327;border-radius:8px;padding:2px 8px;cursor:pointer;font-size:14px}",
    ".rate button[aria-pressed=true]{background:#1d2327;color:#fff}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px}",
    ".chip{border:1px solid var(--c);background:#fff;color:#1d2327;border-radius:16px;padding:5px 11px;cursor:pointer;font-size:14px;text-align:left}",
    ".status{min-height:0;padding:0 14px;font-size:14px;color:#1d2327}",
    ".status:not(:empty){padding:8px 14px;border-top:1px solid #eee}",
    ".error{color:#8c1d18}",
    ".retry{margin-left:8px;border:1px solid #8c1d18;background:#fff;color:#8c1d18;border-radius:8px;padding:2px 10px;cursor:pointer}",
    ".typing span{display:inline-block;width:7px;height:7px;margin-right:3px;border-radius:50%;background:#5f6b73;animation:b 1.2s infinite}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes b{0%,80%,100%{opacity:.3}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing span{animation:none}}",
    "form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e3e6e8}",
    "textarea{flex:1;resize:none;border:1px solid #8a949b;border-radius:10px;padding:8px 10px;min-height:42px;max-height:120px;color:#1d2327;background:#fff}",
    ".send{border:0;border-radius:10px;padding:0 16px;background:var(--c);color:var(--on);cursor:pointer;font-weight:600}",
    ".send:disabled{opacity:.6;cursor:default}",
    ".book{display:block;margin:0 12px 12px;padding:10px;text-align:center;border-radius:10px;background:#fff;color:var(--ink);border:2px solid var(--c);text-decoration:none;font-weight:600}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    "@media (max-width:479px){:host{bottom:12px!important;" + side + ":12px!important}.panel{position:fixed;inset:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}}"
  ].join("\n");

  var host = el("div", { id: "clinic-bot-widget" });
  var root = host.attachShadow({ mode: "open" });
  var on = readableOn(color);
  host.style.setProperty("--c", color);
  host.style.setProperty("--on", on);
  // Links on white need a dark enough ink: the brand colour if it is dark, else near-black.
  host.style.setProperty("--ink", on === "#ffffff" ? color : "#1d2327");
  if ("adoptedStyleSheets" in root && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", {}, css));
  }

  var launcher = el("button", { class: "launcher", type: "button", "aria-label": "Open chat: " + title, "aria-expanded": "false", "aria-controls": "cb-panel" });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var panel = el("section", { class: "panel", id: "cb-panel", role: "dialog", "aria-labelledby": "cb-title", "aria-describedby": "cb-disclaimer", hidden: "" });
  var header = el("header");
  var heading = el("h2", { id: "cb-title" }, title);
  var newBtn = el("button", { class: "hbtn", type: "button", "aria-label": "Start a new chat" }, "New chat");
  var closeBtn = el("button", { class: "hbtn close", type: "button", "aria-label": "Close chat" }, "\u00d7");
  header.append(heading, newBtn, closeBtn);
  var disclaimer = el("p", { class: "disclaimer", id: "cb-disclaimer" }, config.disclaimer);
  var log = el("div", { class: "log", role: "log", "aria-live": "off", "aria-label": "Conversation", tabindex: "0" });
  var status = el("div", { class: "status", role: "status" });
  var announcer = el("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true" });
  var form = el("form", { "aria-label": "Ask a question" });
  var label = el("label", { class: "sr", for: "cb-input" }, "Your question");
  var input = el("textarea", { id: "cb-input", rows: "1", maxlength: "2000", placeholder: "Type your question\u2026", autocomplete: "off" });
  var send = el("button", { class: "send", type: "submit" }, "Send");
  form.append(label, input, send);
  var book = el("a", { class: "book", target: "_blank", rel: "noopener", href: "#" }, "Book an appointment");
  panel.append(header, disclaimer, log, status, form, book, announcer);
  root.append(panel, launcher);

  function applyConfig(c) {
    if (c.disclaimer) { config.disclaimer = c.disclaimer; disclaimer.textContent = c.disclaimer; }
    if (c.booking) {
      config.booking = c.booking;
      var href = safeUrl(c.booking.url);
      if (href) book.setAttribute("href", href);
      book.textContent = c.booking.label || "Book an appointment";
    }
    if (c.emergency_number) config.emergency_number = c.emergency_number;
    if (c.greeting && !data.greeting) config.greeting = c.greeting;
    if (Array.isArray(c.suggestions) && c.suggestions.length) config.suggestions = c.suggestions.slice(0, 3);
    if (c.max_history_turns > 0) limits.history = c.max_history_turns;
    if (c.max_message_chars > 0) {
      limits.chars = c.max_message_chars;
      input.setAttribute("maxlength", String(c.max_message_chars));
    }
  }

  function render() {
    log.textContent = "";
    var hello = el("div", { class: "msg bot" }, config.greeting);
    log.appendChild(hello);
    if (!state.messages.length) {
      var chips = el("div", { class: "chips", role: "group", "aria-label": "Suggested questions" });
      config.suggestions.forEach(function (q) {
        var chip = el("button", { class: "chip", type: "button" }, q);
        chip.addEventListener("click", function () { ask(q); });
        chips.appendChild(chip);
      });
      log.appendChild(chips);
    }
    state.messages.forEach(function (m) { log.appendChild(m.role === "user" ? userBubble(m.text) : botBubble(m)); });
    log.scrollTop = log.scrollHeight;
  }

  function userBubble(text) { return el("div", { class: "msg user" }, text); }

  function botBubble(m, streaming) {
    var bubble = el("div", { class: "msg bot" + (SAFETY[m.type] ? " alert" : ""), "data-state": streaming ? "streaming" : "done" });
    if (SAFETY[m.type]) {
      bubble.setAttribute("role", "alert");
      bubble.appendChild(el("strong", { class: "banner" }, m.type === "crisis" ? "You are not alone" : m.type === "urgent" ? "See a doctor today" : "Medical emergency"));
    }
    var body = el("span", { class: "text" }, m.text || "");
    bubble.appendChild(body);
    if (SAFETY[m.type]) {
      var numbers = m.type === "crisis" ? [["988", "Call or text 988"], [config.emergency_number, "Call " + config.emergency_number]] : [[config.emergency_number, "Call " + config.emergency_number]];
      numbers.forEach(function (n) {
        var digits = String(n[0]).replace(/[^0-9+]/g, "");
        if (digits) bubble.appendChild(el("a", { class: "tel", href: "tel:" + digits }, n[1]));
      });
    }
    if (m.sources && m.sources.length) {
      var list = el("ul", { class: "sources", "aria-label": "Sources" });
      m.sources.forEach(function (s) {
        var href = s.url && safeUrl(s.url);
        var li = el("li", {}, "Read more: ");
        if (href) li.appendChild(el("a", { href: href, target: "_blank", rel: "noopener" }, s.title));
        else li.appendChild(document.createTextNode(s.title));
        list.appendChild(li);
      });
      bubble.appendChild(list);
    }
    if (m.id && (m.type === "answer" || m.type === "no_answer")) bubble.appendChild(rating(m));
    return bubble;
  }

  function rating(m) {
    var box = el("div", { class: "rate", role: "group", "aria-label": "Was this helpful?" });
    [["up", "Helpful"], ["down", "Not helpful"]].forEach(function (r) {
      var b = el("button", { type: "button", "aria-pressed": String(m.rating === r[0]) }, r[1]);
      b.addEventListener("click", function () {
        m.rating = r[0]; save();
        box.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-pressed", String(x === b)); });
        fetch(api + "/api/feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answer_id: m.id, rating: r[0] }) })
          .then(function () { announce("Thanks for your feedback."); }).catch(function () { /* feedback is best effort */ });
      });
      box.appendChild(b);
    });
    return box;
  }

  function announce(text) { announcer.textContent = ""; setTimeout(function () { announcer.textContent = text; }, 30); }

  function setStatus(kind, text, retry) {
    status.textContent = "";
    if (kind === "typing") {
      var t = el("span", { class: "typing", "aria-label": "The assistant is typing" });
      t.append(el("span"), el("span"), el("span"));
      status.appendChild(t);
    } else if (kind === "error") {
      status.appendChild(el("span", { class: "error" }, text));
      if (retry) {
        var b = el("button", { class: "retry", type: "button" }, "Try again");
        b.addEventListener("click", retry);
        status.appendChild(b);
      }
      announce(text);
    }
  }

  function history() {
    return state.messages.filter(function (m) { return m.text; }).slice(-limits.history).map(function (m) {
      return { role: m.role === "user" ? "user" : "assistant", content: String(m.text).slice(0, 4000) };
    });
  }

  function ask(text, isRetry) {
    text = String(text || "").trim();
    if (!text || busy) return;
    if (text.length > limits.chars) { setStatus("error", "Please keep your question under " + limits.chars.toLocaleString("en-US") + " characters."); return; }
    var past = history();
    if (!isRetry) {
      state.messages.push({ role: "user", text: text });
      save(); render();
    } else {
      past = past.slice(0, -1);
    }
    lastQuestion = text;
    busy = true; send.disabled = true;
    setStatus("typing");
    stream(text, past).then(function () { busy = false; send.disabled = false; }, function () { busy = false; send.disabled = false; });
  }

  function retryLast() { if (lastQuestion) ask(lastQuestion, true); }

  function stream(text, past) {
    return fetch(api + "/api/chat/stream", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ message: text, history: past, session_id: state.session })
    }).then(function (res) {
      if (res.status === 429) {
        var wait = parseInt(res.headers.get("Retry-After") || "", 10);
        setStatus("error", "You're sending messages quickly. Please wait " + (wait > 0 ? wait + " seconds" : "a moment") + ", then try again.", retryLast);
        return;
      }
      if (!res.ok) {
        return res.json().catch(function () { return {}; }).then(function (b) {
          var msg = res.status < 500 && b && b.error ? "Sorry, I couldn't read that: " + b.error : "Sorry, something went wrong on our side. Please try again.";
          setStatus("error", msg, res.status >= 500 ? retryLast : null);
        });
      }
      return readEvents(res);
    }, function () {
      setStatus("error", "We couldn't reach the clinic assistant. Please check your connection and try again.", retryLast);
    });
  }

  function readEvents(res) {
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var msg = null, bubble = null, textNode = null;
    function handle(event, payload) {
      if (event === "meta") {
        setStatus(null);
        msg = { role: "assistant", id: payload.id, type: payload.type, text: "", sources: payload.sources || [] };
        applyConfig({ disclaimer: payload.disclaimer, booking: payload.booking });
        state.messages.push(msg);
        bubble = botBubble(msg, true);
        textNode = bubble.querySelector(".text");
        log.appendChild(bubble);
      } else if (event === "delta" && msg) {
        msg.text += payload.text;
        textNode.textContent = msg.text;
        log.scrollTop = log.scrollHeight;
      } else if (event === "done" && msg) {
        save();
        var fresh = botBubble(msg);
        log.replaceChild(fresh, bubble);
        log.scrollTop = log.scrollHeight;
        announce(msg.text);
      }
    }
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) {
          if (!msg || !msg.text) setStatus("error", "The answer was cut off. Please try again.", retryLast);
          return;
        }
        buffer += decoder.decode(r.value, { stream: true });
        var parts = buffer.split(/\r?\n\r?\n/);
        buffer = parts.pop();
        parts.forEach(function (block) {
          var event = "message", lines = [];
          block.split(/\r?\n/).forEach(function (line) {
            if (line.indexOf("event:") === 0) event = line.slice(6).trim();
            else if (line.indexOf("data:") === 0) lines.push(line.slice(5).replace(/^ /, ""));
          });
          if (lines.length) { try { handle(event, JSON.parse(lines.join("\n"))); } catch (e) { /* ignore a bad event */ } }
        });
        return pump();
      });
    }
    return pump().catch(function () {
      setStatus("error", "The connection dropped before the answer finished. Please try again.", retryLast);
    });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat: " + title);
    state.open = true; save();
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat: " + title);
    state.open = false; save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
  closeBtn.addEventListener("click", close);
  newBtn.addEventListener("click", function () {
    state = { open: true, messages: [], session: newId() };
    save(); setStatus(null); render(); input.focus();
  });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); close(); } });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : submit(e); }
  });
  function submit(e) { e.preventDefault(); var q = input.value; if (!q.trim() || busy) return; input.value = ""; ask(q); }
  form.addEventListener("submit", submit);

  function mount() {
    document.body.appendChild(host);
    render();
    if (state.open) { panel.hidden = false; launcher.setAttribute("aria-expanded", "true"); launcher.setAttribute("aria-label", "Close chat: " + title); }
    fetch(api + "/api/config").then(function (r) { return r.ok ? r.json() : null; }).then(function (c) {
      if (c) { applyConfig(c); render(); }
    }).catch(function () { /* the defaults above still work */ });
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
