// Typeset the math that pymdownx.arithmatex marks (class "arithmatex"), with the
// KaTeX copy the site serves itself. Runs on every page, including pages reached
// through instant navigation (Material's document$ observable).
//
// Equation numbers: KaTeX draws a display's number (.katex-tag) at the right edge,
// over whatever is there. placeTags() measures each numbered display and, where the
// centred formula would reach its number, sets the number in flow: beside the formula
// when both fit on the line, on a line of its own below it otherwise (a phone).
// A formula wider than the column scrolls inside its own box (book.css).
(function () {
  var GAP = 16; // px between a formula and its number

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
    placeTags(root);
  }

  // The width of the formula itself: its parts (.katex-base) side by side.
  function formulaWidth(html) {
    var width = 0;
    html.querySelectorAll(":scope > .katex-base").forEach(function (base) {
      width += base.getBoundingClientRect().width;
    });
    return width;
  }

  function placeTag(html) {
    var tag = html.querySelector(":scope > .katex-tag");
    if (!tag) return;
    html.classList.remove("nnlit-tag-beside", "nnlit-tag-below");
    html.style.removeProperty("--nnlit-tag-space");
    var box = html.getBoundingClientRect().width; // the line the formula is centred in
    var formula = formulaWidth(html);
    var number = tag.getBoundingClientRect().width + GAP;
    if (formula + 2 * number <= box) return; // centred, with room for the number at the right
    if (formula + number <= box) {
      html.style.setProperty("--nnlit-tag-space", number + "px");
      html.classList.add("nnlit-tag-beside");
    } else {
      html.classList.add("nnlit-tag-below");
    }
  }

  function placeTags(root) {
    root.querySelectorAll(".katex-display > .katex > .katex-html").forEach(placeTag);
  }

  var pending = false;
  function placeAllSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; placeTags(document); });
  }
  window.addEventListener("resize", placeAllSoon);
  // Content revealed later (tabs, <details>) has no width until it is shown.
  document.addEventListener("toggle", placeAllSoon, true);
  document.addEventListener("change", placeAllSoon, true);
  if (document.fonts) document.fonts.ready.then(placeAllSoon);

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { typeset(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  }
})();
