/* Follows a status the server is working on (Kbis reading, identity check) and reloads the page
   when it changes. The page marks one element:
     data-isc-poll="<URL answering JSON>"   data-isc-poll-key="status"
     data-isc-poll-value="<the status shown>"   data-isc-poll-target="<page to load on change>"
   Asked every 1.5 s for a minute, then less often. Without JavaScript the page offers a link. */
(function () {
  "use strict";
  var element = document.querySelector("[data-isc-poll]");
  if (!element || !window.fetch) {
    return;
  }
  var url = element.getAttribute("data-isc-poll");
  var key = element.getAttribute("data-isc-poll-key");
  var shown = element.getAttribute("data-isc-poll-value");
  var target = element.getAttribute("data-isc-poll-target") || window.location.href;
  var started = Date.now();

  function later() {
    var elapsed = Date.now() - started;
    window.setTimeout(check, elapsed < 60000 ? 1500 : elapsed < 600000 ? 5000 : 15000);
  }

  function reload() {
    window.location.replace(target);
  }

  function check() {
    window.fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected || response.status === 404) {
          reload(); // the journey moved on, or the registration is gone: the page will say so
          return undefined;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data === undefined) {
          return;
        }
        if (data && data[key] !== undefined && String(data[key]) !== shown) {
          reload();
        } else {
          later();
        }
      })
      .catch(later);
  }

  later();
})();
