// The delivery packet's progress page: updates the bar every few seconds and
// reloads once the packet is finished, to show its download link. Without
// this script the page has a "Check again" link.
(function () {
  "use strict";
  var page = document.getElementById("packet");
  if (!page || !window.fetch) return;
  var bar = document.getElementById("packet-progress");
  var status = document.getElementById("packet-status");
  function poll() {
    fetch(page.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (packet) {
        if (!packet) return;
        if (packet.finished) { window.location.reload(); return; }
        bar.value = packet.percent;
        bar.textContent = packet.percent + "%";
        status.textContent = packet.status_display + ": " + packet.percent + "%";
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 2000);
})();
