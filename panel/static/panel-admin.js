/* Wadul panel: what Flask-Admin's templates did with inline event handlers, which the panel's
   Content-Security-Policy does not run (panel/templates/admin/ writes data- attributes instead). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    if (!target || !target.closest) { return; }
    if (target.closest("a.filter, a[href='#'][data-toggle='dropdown']")) {
      event.preventDefault();  // a menu entry, not a link
    }
    var action = target.closest("[data-model-action]");
    if (action) {
      event.preventDefault();
      if (window.modelActions) { window.modelActions.execute(action.dataset.modelAction); }
    }
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();  // the leadership report: "Cetak / simpan PDF" (print CSS in panel.css)
    }
    var ask = target.closest("button[data-confirm]");
    if (ask && !window.confirm(ask.dataset.confirm)) { event.preventDefault(); }
  }, true);  // capture: Flask-Admin's and Bootstrap's handlers may stop the event's bubbling
}());
