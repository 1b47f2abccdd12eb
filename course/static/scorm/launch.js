/* The SCORM package's launch page: find the LMS's API, start a session, open the hosted course with a
   signed launch, pass on the progress our pages report, and end the session when the page closes.
   SCORM 1.2 (window.API) and SCORM 2004 (window.API_1484_11). */
(function () {
  "use strict";
  var root = document.getElementById("course-launch");
  var version = root.getAttribute("data-version");
  var key = root.getAttribute("data-key");
  var secret = root.getAttribute("data-secret");
  var launchUrl = root.getAttribute("data-launch");
  var courseOrigin = root.getAttribute("data-origin");
  var statusLine = document.getElementById("status");
  var fallback = document.getElementById("fallback");
  var newWindow = document.getElementById("new-window");
  var frame = document.getElementById("course-frame");
  var startedAt = Date.now();
  var popup = null;
  var ended = false;
  var completed = false;

  var NAMES = version === "1.2" ? {
    learner: "cmi.core.student_id", name: "cmi.core.student_name", suspend: "cmi.suspend_data",
    location: "cmi.core.lesson_location", exit: "cmi.core.exit", time: "cmi.core.session_time",
    raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max"
  } : {
    learner: "cmi.learner_id", name: "cmi.learner_name", suspend: "cmi.suspend_data",
    location: "cmi.location", exit: "cmi.exit", time: "cmi.session_time",
    raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max", scaled: "cmi.score.scaled"
  };

  function say(text) { statusLine.textContent = text; }

  function apiIn(win, name) {
    try { return win[name] || null; } catch (e) { return null; } // a cross-origin window: not there
  }

  /* The API is on this window, a parent or an opener's chain (SCORM's "find API" algorithm). */
  function findApi(name) {
    var starts = [window];
    try { if (window.opener) { starts.push(window.opener); } } catch (e) { /* no opener */ }
    for (var s = 0; s < starts.length; s += 1) {
      var win = starts[s];
      for (var depth = 0; win && depth < 10; depth += 1) {
        var api = apiIn(win, name);
        if (api) { return api; }
        if (win.parent === win) { break; }
        win = win.parent;
      }
    }
    return null;
  }

  var raw = findApi(version === "1.2" ? "API" : "API_1484_11");
  var lms = !raw ? null : version === "1.2" ? {
    init: function () { return raw.LMSInitialize(""); },
    get: function (n) { return raw.LMSGetValue(n); },
    set: function (n, v) { return raw.LMSSetValue(n, String(v)); },
    commit: function () { return raw.LMSCommit(""); },
    end: function () { return raw.LMSFinish(""); }
  } : {
    init: function () { return raw.Initialize(""); },
    get: function (n) { return raw.GetValue(n); },
    set: function (n, v) { return raw.SetValue(n, String(v)); },
    commit: function () { return raw.Commit(""); },
    end: function () { return raw.Terminate(""); }
  };

  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }

  function sessionTime() {
    var seconds = Math.max(0, Math.round((Date.now() - startedAt) / 10) / 100);
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
    var s = (seconds % 60).toFixed(2);
    if (version === "1.2") { return pad(Math.min(h, 9999), 4) + ":" + pad(m, 2) + ":" + pad(s, 5); }
    return "PT" + h + "H" + m + "M" + s + "S";
  }

  function report(message) {
    var score = message.score;
    if (version === "1.2") {
      var status = message.success === "passed" || message.success === "failed" ? message.success
        : message.completion;
      lms.set("cmi.core.lesson_status", status);
    } else {
      lms.set("cmi.completion_status", message.completion);
      lms.set("cmi.success_status", message.success);
    }
    if (typeof score === "number") {
      lms.set(NAMES.min, 0);
      lms.set(NAMES.max, 100);
      lms.set(NAMES.raw, score);
      if (NAMES.scaled) { lms.set(NAMES.scaled, score / 100); }
    }
    if (typeof message.place === "string" && message.place.charAt(0) === "/") {
      lms.set(NAMES.suspend, message.place.slice(0, 4000));
      lms.set(NAMES.location, message.place.slice(0, 255));
    }
    completed = message.completion === "completed";
    lms.commit();
  }

  function end() {
    if (ended || !lms) { return; }
    ended = true;
    lms.set(NAMES.time, sessionTime());
    lms.set(NAMES.exit, completed ? (version === "1.2" ? "" : "normal") : "suspend");
    lms.commit();
    lms.end();
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return pad(b.toString(16), 2); })
      .join("");
  }

  function origins() {
    var list = [window.location.origin];
    var ancestors = window.location.ancestorOrigins || [];
    for (var i = 0; i < ancestors.length; i += 1) {
      if (ancestors[i] !== "null" && list.indexOf(ancestors[i]) < 0) { list.push(ancestors[i]); }
    }
    return list.join(" ");
  }

  function signedLaunch() {
    var fields = {
      learner: lms.get(NAMES.learner) || "",
      name: lms.get(NAMES.name) || "",
      origins: origins(),
      issued: String(Date.now())
    };
    var place = lms.get(NAMES.suspend) || "";
    var text = ["scorm-launch-v1", key, fields.learner, fields.name, fields.origins, fields.issued].join("\n");
    var encoder = new TextEncoder();
    return window.crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" },
      false, ["sign"]).then(function (hmacKey) {
      return window.crypto.subtle.sign("HMAC", hmacKey, encoder.encode(text));
    }).then(function (mac) {
      var query = new URLSearchParams(fields);
      query.set("signature", hex(mac));
      if (place) { query.set("place", place); }
      return launchUrl + "?" + query.toString();
    });
  }

  window.addEventListener("message", function (event) {
    // Only our course's pages, in this page's frame or the window it opened, may report progress.
    if (event.origin !== courseOrigin || !lms || ended) { return; }
    if (event.source !== frame.contentWindow && (popup === null || event.source !== popup)) { return; }
    var data = event.data;
    if (!data || data.type !== "course-progress") { return; }
    report(data);
  });
  window.addEventListener("pagehide", end);
  window.addEventListener("beforeunload", end);

  if (!lms) {
    say("This course must be opened from your learning platform: its SCORM connection was not found.");
    return;
  }
  if (String(lms.init()) !== "true") {
    say("Your learning platform did not start a session for this course. Close it and try again.");
    return;
  }
  if (!window.crypto || !window.crypto.subtle) {
    say("This course needs a secure (https) learning platform page to start.");
    return;
  }
  signedLaunch().then(function (url) {
    frame.src = url;
    frame.hidden = false;
    statusLine.hidden = true;
    fallback.hidden = false;
    newWindow.href = url;
    newWindow.addEventListener("click", function (event) {
      event.preventDefault();
      popup = window.open(url, "course-window");
    });
  }, function () {
    say("The course could not be started in this browser.");
  });
}());
