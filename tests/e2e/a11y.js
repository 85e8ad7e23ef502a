// A small, vendored accessibility check (no network at test time): labels, contrast, headings.
// Returns a list of problems, each a short sentence naming the element. Run with page.evaluate.
() => {
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "");
  const visible = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== "none" && s.visibility !== "hidden" && r.width > 1 && r.height > 1;
  };
  if (!document.documentElement.lang) problems.push("the page has no lang attribute");
  if (!document.title.trim()) problems.push("the page has no title");
  // Labels: every form control has an accessible name.
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset"].includes(el.type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!named) problems.push("form control without a label: " + name(el));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!visible(el)) continue;
    if (!(el.textContent.trim() || el.getAttribute("aria-label"))) problems.push("control without text: " + name(el));
  }
  for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push("image without alt: " + name(img));
  // Headings: exactly one h1, and no level skipped on the way down.
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  if (headings.filter((h) => h.tagName === "H1").length !== 1) problems.push("the page needs exactly one visible h1");
  let last = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) problems.push(`heading level skipped: h${last} then h${level} "${h.textContent.trim().slice(0, 40)}"`);
    last = level;
  }
  // Contrast (WCAG AA): 4.5:1, or 3:1 for large text, against the first opaque background up the tree.
  const rgb = (c) => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.9) return c;
    }
    return [255, 255, 255];
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const s = getComputedStyle(el);
    if (el.closest(".visually-hidden, .skip")) continue;
    const fg = rgb(s.color), bg = background(el);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) problems.push(`contrast ${ratio.toFixed(2)}:1 < ${need}:1 for "${node.textContent.trim().slice(0, 30)}" in ${name(el)}`);
  }
  return problems;
}
