// Behaviour the pages once carried inline. The Content-Security-Policy runs scripts from this site only, so
// it lives here; every page works without it (the server checks everything again).
(function () {
  "use strict";

  // <form data-confirm="question">: ask before sending. <form data-disable-on-submit>: no double submission.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-disable-on-submit")) {
      var button = form.querySelector("#submit");
      if (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
    }
  });

  // The verifier's decision form: without JavaScript every part stays visible; with it, only the part the
  // chosen outcome needs.
  function decisionForm(root) {
    var form = root.querySelector("#decision-form");
    if (!form || form.dataset.ready) { return; }
    form.dataset.ready = "1";
    function sync() {
      var chosen = form.querySelector("input[name=outcome]:checked");
      var value = chosen ? chosen.value : "";
      form.querySelectorAll("[data-for]").forEach(function (part) {
        part.hidden = Boolean(value) && part.getAttribute("data-for") !== value;
      });
    }
    form.addEventListener("change", sync);
    sync();
  }

  // The registration number's copy button, shown only where the clipboard can be written.
  function copyNumber(root) {
    var button = root.querySelector("#copy-number");
    if (!button || !navigator.clipboard || button.dataset.ready) { return; }
    button.dataset.ready = "1";
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.number).then(function () {
        button.textContent = button.dataset.done;
      });
    });
  }

  // Fields only some sectors need (the aplikator and its letter for ojol drivers): shown once such a sector is
  // chosen, and disabled while hidden so nothing of them is sent. Without JavaScript all stay visible, labelled.
  function listed(text, value) {
    return (text || "").split(" ").indexOf(value) >= 0;
  }

  function sectorFields(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var select = form.querySelector("select[name=sektor]");
      if (!select || form.dataset.sectorsReady) { return; }
      form.dataset.sectorsReady = "1";
      function sync() {
        var sector = select.value;
        form.querySelectorAll("[data-sectors], [data-not-sectors]").forEach(function (input) {
          var only = input.getAttribute("data-sectors");
          var except = input.getAttribute("data-not-sectors");
          var shown = Boolean(sector) && (!only || listed(only, sector)) && !(except && listed(except, sector));
          var wrapper = input.closest(".field") || input;
          wrapper.hidden = !shown;
          input.disabled = !shown;
        });
      }
      select.addEventListener("change", sync);
      sync();
    });
  }

  function ready(root) {
    decisionForm(root);
    copyNumber(root);
    sectorFields(root);
  }

  document.addEventListener("DOMContentLoaded", function () { ready(document); });
  document.addEventListener("htmx:load", function (event) { ready(event.target.ownerDocument || document); });
})();
