// Typeset the math that pymdownx.arithmatex marks (class "arithmatex"), with the
// KaTeX copy the site serves itself. Runs on every page, including pages reached
// through instant navigation (Material's document$ observable).
(function () {
  function typeset(root) {
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      if (el.dataset.typeset) return;
      var display = el.tagName === "DIV";
      var tex = el.textContent.trim().replace(/^\\[\[(]/, "").replace(/\\[\])]$/, "");
      try {
        katex.render(tex, el, { displayMode: display, throwOnError: true, strict: "ignore" });
        el.dataset.typeset = "1";
      } catch (err) {
        el.classList.add("math-error");
        console.error("KaTeX could not typeset: " + tex + "\n" + err);
      }
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { typeset(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  }
})();
