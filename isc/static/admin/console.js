/* The console's behaviour, as a static file: the Content-Security-Policy forbids inline
   scripts and event handlers, which some of Flask-Admin's templates use. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link) { return; }
    var action = link.getAttribute("data-isc-action");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action);
      return;
    }
    // Flask-Admin's "javascript:void(0)" links (filters, tabs): handled by its own listeners.
    if ((link.getAttribute("href") || "").indexOf("javascript:") === 0) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
