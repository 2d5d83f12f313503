/* The Kbis drop zone: a PDF dropped on the zone goes into its file input, as if picked with the
   file chooser, and the chosen file's name is shown. The form is sent by "Vérifier le document". */
(function () {
  "use strict";
  var zone = document.querySelector("[data-isc-dropzone]");
  if (!zone) {
    return;
  }
  var input = zone.querySelector("input[type=file]");
  var label = zone.querySelector("[data-isc-dropzone-name]");
  var depth = 0;

  function showChoice() {
    var file = input.files && input.files[0];
    label.textContent = file ? "Fichier sélectionné : " + file.name : "";
  }

  function highlight(on) {
    zone.classList.toggle("isc-dropzone--over", on);
  }

  zone.addEventListener("dragenter", function (event) {
    event.preventDefault();
    depth += 1;
    highlight(true);
  });
  zone.addEventListener("dragover", function (event) {
    event.preventDefault();
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = "copy";
    }
  });
  zone.addEventListener("dragleave", function () {
    depth = Math.max(depth - 1, 0);
    if (depth === 0) {
      highlight(false);
    }
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    depth = 0;
    highlight(false);
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) {
      return;
    }
    var one = new DataTransfer(); // only the first file: a Kbis is one PDF
    one.items.add(files[0]);
    input.files = one.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  input.addEventListener("change", showChoice);
  showChoice();
})();
