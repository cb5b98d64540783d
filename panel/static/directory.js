/* Wadul panel, directory pages: the official form's office follows the role, and the
   link-code page's print button. The server checks the same rule; this only helps. */
(function () {
  "use strict";

  function groupOf(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    return el.closest(".form-group") || el.parentElement;
  }

  function followRole() {
    var role = document.getElementById("role");
    if (!role || !role.dataset.opdRoles) { return; }
    var opdRoles = role.dataset.opdRoles.split(","), villageRoles = role.dataset.villageRoles.split(",");
    var opd = groupOf("opd"), desa = groupOf("desa");
    function show() {
      var value = role.value;
      if (opd) { opd.style.display = (opdRoles.indexOf(value) >= 0 || value === "main_admin") ? "" : "none"; }
      if (desa) { desa.style.display = villageRoles.indexOf(value) >= 0 ? "" : "none"; }
    }
    role.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    followRole();
    document.querySelectorAll(".print-page").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
}());
