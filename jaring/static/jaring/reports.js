// The dashboard's print button (the Content-Security-Policy runs scripts from this site only). Without
// JavaScript the browser's own Print menu does the same: the print CSS lays the page out on A4.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      document.querySelectorAll("details.print-open").forEach(function (details) { details.open = true; });
      window.print();
    }
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.print-open").forEach(function (details) { details.open = true; });
  });
})();
