/** Checks for pages at a phone's width, shared by the browser tests. */

/**
 * What would make a person scroll sideways or lose a control, on the page as drawn: the
 * document wider than the window, any box that scrolls sideways inside it (a table in an
 * overflow wrapper hides from the first check), and any visible control past the right edge.
 * Runs in the page: `await page.evaluate(sidewaysProblems)`; an empty list means none.
 */
export function sidewaysProblems(): string[] {
  const problems: string[] = [];
  const width = window.innerWidth;
  const describe = (el: Element) =>
    `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.trim().replace(/\s+/g, ".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
  const doc = document.documentElement;
  if (doc.scrollWidth > width) {
    problems.push(`page is ${doc.scrollWidth}px wide in a ${width}px window`);
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1)
        problems.push(`  spills: ${describe(el)} to ${Math.round(box.right)}px`);
      if (problems.length > 8) break;
    }
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (el.matches("input, textarea, select")) continue; // their own text scrolls inside them, as it should
    const overflowX = getComputedStyle(el).overflowX;
    if (overflowX !== "visible" && overflowX !== "clip" && el.scrollWidth > el.clientWidth + 1)
      problems.push(`scrolls sideways inside: ${describe(el)} (${el.scrollWidth}px in ${el.clientWidth}px)`);
  }
  for (const el of document.querySelectorAll("a, button, input, select, textarea, summary")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !el.checkVisibility({ contentVisibilityAuto: true })) continue;
    if (box.left < -1 || box.right > width + 1)
      problems.push(`control off screen: ${describe(el)} at ${Math.round(box.left)}–${Math.round(box.right)}px`);
  }
  return problems;
}
