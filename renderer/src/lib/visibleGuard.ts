import { hasInvisible, visibleText } from '../../../shared/visibleText';

/** Attributes a person reads (tooltips, screen-reader names). */
const READ_ATTRIBUTES = ['title', 'aria-label', 'aria-description', 'alt', 'placeholder'];
/** Where text is the user's own input, or not text for people. */
const SKIP = 'textarea, input, [contenteditable], style, script';

function fixText(node: Text): void {
  const v = node.nodeValue;
  if (v === null || !hasInvisible(v, { multiline: true })) return;
  if (node.parentElement?.closest(SKIP)) return;
  node.nodeValue = visibleText(v, { multiline: true });
}

function fixAttributes(el: Element): void {
  for (const name of READ_ATTRIBUTES) {
    const v = el.getAttribute(name);
    if (v !== null && hasInvisible(v)) el.setAttribute(name, visibleText(v));
  }
}

function fixTree(root: Node): void {
  if (root.nodeType === Node.TEXT_NODE) return fixText(root as Text);
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  fixAttributes(root as Element);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) fixText(n as Text);
    else fixAttributes(n as Element);
  }
}

/**
 * The renderer's last line against spoofing: every text node and readable attribute under `root` (the whole app,
 * screens, charts' SVG labels, dialogs, the inspector) shows control, bidi and invisible characters as visible
 * ⟨U+XXXX⟩ tokens, whichever component rendered it, so no screen can forget (#14 item 5). Text is changed in
 * place (React keeps its nodes; an update React makes is fixed again), before the browser paints (observer
 * callbacks run as microtasks). Newlines and tabs stay (multi-line text); components that show a value on one
 * line still call `shown()` to make those visible too. The user's own typing (inputs, text areas) is left alone.
 */
export function guardVisibleText(root: Node): MutationObserver {
  fixTree(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') fixText(r.target as Text);
      else if (r.type === 'attributes') fixAttributes(r.target as Element);
      else r.addedNodes.forEach(fixTree);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: READ_ATTRIBUTES });
  return observer;
}
