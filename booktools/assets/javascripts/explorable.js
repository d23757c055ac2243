// Explorable figures (booktools/explorable.py): a figure with one or two controls
// whose every setting was computed when the book was built. Moving a control shows
// that setting's frame, its description (alt text) and its line of numbers.
// The frames are files next to the shown one; they are fetched once the figure is
// near the screen, so a swap is instant. Nothing here loads from outside the site.
(function () {
  function setUp(figure) {
    if (figure.dataset.ready) return;
    figure.dataset.ready = "1";
    var frames = JSON.parse(figure.dataset.frames);
    var controls = JSON.parse(figure.dataset.controls);
    var image = figure.querySelector("img");
    var setting = figure.querySelector(".nnlit-explorable-setting");
    var note = figure.querySelector(".nnlit-explorable-note");
    var folder = image.getAttribute("src").replace(/[^/]*$/, "");

    function chosen() {
      return controls.map(function (_, k) {
        var range = figure.querySelector('input[type="range"][data-control="' + k + '"]');
        if (range) return Number(range.value);
        var radio = figure.querySelector('[data-control="' + k + '"] input:checked');
        return Number(radio.value);
      });
    }

    function show() {
      var at = chosen();
      var index = at.reduce(function (flat, i, k) { return flat * controls[k].values.length + i; }, 0);
      var frame = frames[index];
      image.setAttribute("src", folder + frame.src);
      image.setAttribute("alt", frame.alt);
      if (frame.px) image.dataset.textPx = frame.px;
      note.textContent = frame.note;
      setting.textContent = figure.dataset.settingLabel + at.map(function (i, k) {
        return controls[k].label + " = " + controls[k].values[i];
      }).join(figure.dataset.settingSeparator);
      figure.querySelectorAll('input[type="range"]').forEach(function (range) {
        var text = controls[Number(range.dataset.control)].values[Number(range.value)];
        range.setAttribute("aria-valuetext", text);
        range.parentNode.querySelector("output").textContent = text;
      });
    }

    function preload() {
      frames.forEach(function (frame) { new Image().src = folder + frame.src; });
    }

    figure.addEventListener("input", show);
    figure.addEventListener("change", show);
    if ("IntersectionObserver" in window) {
      var watcher = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { preload(); watcher.disconnect(); }
      }, { rootMargin: "400px" });
      watcher.observe(figure);
    } else {
      preload();
    }
  }

  function setUpAll() {
    document.querySelectorAll("figure.nnlit-explorable").forEach(setUp);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUpAll);
  } else {
    document.addEventListener("DOMContentLoaded", setUpAll);
  }
})();
