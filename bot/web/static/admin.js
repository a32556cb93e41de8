/* Staff page: everything goes through the admin API with the token in the Authorization
 * header. All text is inserted with textContent. */
(function () {
  "use strict";
  var KEY = "clinic-bot-admin-token";
  var token = sessionStorage.getItem(KEY) || "";
  var $ = function (id) { return document.getElementById(id); };

  function call(method, path, body) {
    return fetch("/admin/api" + path, {
      method: method, body: body,
      headers: { "Authorization": "Bearer " + token }
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (res.status === 401) { signOut("Your token was not accepted."); throw new Error("unauthorized"); }
        if (!res.ok) throw new Error((data && data.error) || ("HTTP " + res.status));
        return data;
      });
    });
  }
  function cell(row, text) { var td = document.createElement("td"); td.textContent = text == null ? "" : String(text); row.appendChild(td); return td; }
  function say(id, text, isError) { var el = $(id); el.textContent = text; el.className = "msg" + (isError ? " error" : ""); }

  function signOut(message) {
    token = ""; sessionStorage.removeItem(KEY);
    $("app").classList.add("hidden"); $("signin").classList.remove("hidden");
    say("signin-msg", message || "", !!message);
  }

  function loadArticles() {
    return call("GET", "/articles").then(function (data) {
      $("signin").classList.add("hidden"); $("app").classList.remove("hidden");
      $("version").textContent = data.version || "none";
      $("previous").textContent = data.previous || "none";
      var body = $("articles"); body.textContent = "";
      data.articles.forEach(function (a) {
        var row = document.createElement("tr");
        cell(row, a.title); cell(row, a.source); cell(row, a.chunks); cell(row, a.updated || "");
        var td = cell(row, "");
        if (a.in_folder) {
          var del = document.createElement("button");
          del.type = "button"; del.className = "secondary"; del.textContent = "Delete";
          del.setAttribute("aria-label", "Delete " + a.source);
          del.addEventListener("click", function () {
            if (!confirm("Delete " + a.source + "? It leaves the bot at the next refresh.")) return;
            call("DELETE", "/articles/" + encodeURIComponent(a.source)).then(function () {
              say("upload-msg", a.source + " deleted. Refresh to publish the change."); loadArticles();
            }, function (e) { say("upload-msg", e.message, true); });
          });
          td.appendChild(del);
        } else { td.textContent = "removed (refresh to publish)"; }
        body.appendChild(row);
      });
      $("pending").textContent = data.files_not_indexed.length ? "Not published yet: " + data.files_not_indexed.join(", ") : "";
      return loadGaps();
    });
  }

  function loadGaps() {
    return call("GET", "/gaps").then(function (groups) {
      var body = $("gaps"); body.textContent = "";
      groups.forEach(function (g) {
        var row = document.createElement("tr");
        cell(row, g.example); cell(row, g.count);
        cell(row, Object.keys(g.kinds).map(function (k) { return k.replace("_", " ") + " ×" + g.kinds[k]; }).join(", "));
        body.appendChild(row);
      });
    });
  }

  function poll() {
    call("GET", "/refresh").then(function (s) {
      var bar = $("progress");
      if (s.total) { bar.max = s.total; bar.value = s.done; }
      say("refresh-msg", s.message + (s.version ? " (version " + s.version + ")" : ""), s.state === "failed");
      if (s.state === "running") { setTimeout(poll, 400); return; }
      bar.classList.add("hidden"); $("refresh").disabled = false;
      loadArticles();
    }, function (e) { say("refresh-msg", e.message, true); $("refresh").disabled = false; });
  }

  $("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    token = $("token").value.trim(); sessionStorage.setItem(KEY, token); $("token").value = "";
    loadArticles().catch(function (err) { if (err.message !== "unauthorized") say("signin-msg", err.message, true); });
  });
  $("upload-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var file = $("file").files[0];
    if (!file) return;
    call("PUT", "/articles/" + encodeURIComponent(file.name), file).then(function () {
      say("upload-msg", file.name + " uploaded. Refresh to publish it."); $("file").value = ""; loadArticles();
    }, function (err) { say("upload-msg", err.message, true); });
  });
  $("refresh").addEventListener("click", function () {
    $("refresh").disabled = true; $("progress").classList.remove("hidden"); $("progress").removeAttribute("value");
    call("POST", "/refresh").then(poll, function (err) { say("refresh-msg", err.message, true); $("refresh").disabled = false; });
  });
  $("rollback").addEventListener("click", function () {
    call("POST", "/rollback").then(function (r) { say("refresh-msg", "Version " + r.version + " serves again."); loadArticles(); },
      function (err) { say("refresh-msg", err.message, true); });
  });
  if (token) loadArticles().catch(function () { /* signOut already shown */ });
})();
