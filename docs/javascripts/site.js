// MLEP Companion: typeset the maths with the vendored KaTeX (docs/javascripts/vendor/katex).
// `document$` is Material's page observable: it fires on the first load and after every
// instant-navigation page switch, so maths is typeset on every page however it was reached.
// Mermaid needs nothing here: Material finds the vendored `mermaid` global and uses it instead
// of fetching its own copy.
(function () {
  "use strict";

  var TEX = [
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
  ];
  // Notebook markdown keeps Jupyter's dollar delimiters.
  var NOTEBOOK_TEX = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false },
  ].concat(TEX);

  function typeset(root) {
    if (typeof renderMathInElement !== "function") {
      return;
    }
    // Markdown pages: pymdownx.arithmatex (generic mode) wraps each formula in .arithmatex,
    // as \( ... \) in a span or \[ ... \] in a div: typeset it in place.
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      var tex = el.textContent.trim();
      var display = tex.indexOf("\\[") === 0;
      if (!/^\\[\[(]/.test(tex)) {
        return; // already typeset
      }
      katex.render(tex.slice(2, -2), el, { displayMode: display, throwOnError: false });
    });
    // Lab pages (mkdocs-jupyter): maths sits in the rendered markdown cells.
    root.querySelectorAll(".jp-MarkdownCell .jp-RenderedMarkdown").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: NOTEBOOK_TEX,
        throwOnError: false,
        ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"],
      });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function (doc) {
      typeset(doc.body || document.body);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      typeset(document.body);
    });
  }
})();
