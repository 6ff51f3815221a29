/* Progressive enhancement only: every page works without this file.
   Loaded from our own static files (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";

  var POLL_MS = 10000;

  /* After a failed submit, move focus to the error summary so it is read first. */
  function focusErrors() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }

  function format(n) {
    return new Intl.NumberFormat(document.documentElement.lang || "en").format(n);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  /* Same rule as petition/milestones.py next_target(): keep the two in step. */
  function nextTarget(count, goal, milestones) {
    if (count < goal) return goal;
    for (var i = 0; i < milestones.length; i++) {
      if (milestones[i] > count) return milestones[i];
    }
    var target = Math.max.apply(null, [goal].concat(milestones));
    while (target <= count) target *= 2;
    return target;
  }

  function liveCount() {
    var box = document.querySelector(".progress[data-count-url]");
    if (!box || !window.fetch) return;
    var text = box.querySelector(".progress-text");
    var bar = box.querySelector("progress");
    var reached = box.querySelector(".progress-reached");
    var milestones = (box.dataset.milestones || "").split(",")
      .map(function (s) { return parseInt(s, 10); })
      .filter(function (n) { return n > 0; });
    var shown = parseInt(bar.getAttribute("value"), 10);

    function update(data) {
      if (data.count === shown) return;
      shown = data.count;
      var target = nextTarget(data.count, data.goal, milestones);
      var sentence = data.count === 1 ? box.dataset.textOne : box.dataset.textOther;
      text.textContent = fill(sentence, { n: format(data.count), goal: format(target) });
      bar.max = target;
      bar.value = data.count;
      var reachedText = data.count >= data.goal
        ? fill(box.dataset.textReached, { goal: format(data.goal), next: format(target) }) : "";
      /* Only a change of goal is announced (role=status), never each new signature. */
      if (reached.textContent.trim() !== reachedText) reached.textContent = reachedText;
    }

    function poll() {
      if (document.hidden) return;
      fetch(box.dataset.countUrl, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) update(data); })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }
    setInterval(poll, POLL_MS);
    document.addEventListener("visibilitychange", poll);
  }

  /* The copy-link field works without JS (select and copy); this adds a button. */
  function copyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copyTarget);
      var status = button.closest(".copy-link").querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        input.select();
        var done = function () { status.textContent = button.dataset.copiedText; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () {});
        } else if (document.execCommand && document.execCommand("copy")) {
          done();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    liveCount();
    copyButtons();
  });
})();
