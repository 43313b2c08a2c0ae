// dom.js - tiny helpers to build DOM safely. Data is only ever placed with
// textContent / attributes, never parsed as HTML.

/**
 * h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child, [more])
 * Attributes whose value is null/undefined/false are skipped; `true` sets "".
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' && typeof v === 'boolean') {
        el[k] = v;
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Text with highlight ranges [[start,end), ...] in Unicode code points.
 * Returns a DocumentFragment of text nodes and <mark> elements.
 */
export function highlight(str, ranges) {
  const frag = document.createDocumentFragment();
  if (str === null || str === undefined) return frag;
  const cps = Array.from(String(str));
  const rs = (Array.isArray(ranges) ? ranges : [])
    .filter((r) => Array.isArray(r) && r.length === 2 && r[0] < r[1])
    .map((r) => [Math.max(0, r[0]), Math.min(cps.length, r[1])])
    .sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s, e] of rs) {
    if (s < pos || s >= cps.length) continue;
    if (s > pos) frag.appendChild(document.createTextNode(cps.slice(pos, s).join('')));
    const m = document.createElement('mark');
    m.textContent = cps.slice(s, e).join('');
    frag.appendChild(m);
    pos = e;
  }
  if (pos < cps.length) frag.appendChild(document.createTextNode(cps.slice(pos).join('')));
  return frag;
}

let idSeq = 0;
export function uid(prefix = 'f') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/** A labelled form field: returns {wrap, input}. */
export function field(label, input, hint) {
  if (!input.id) input.id = uid('in');
  const kids = [h('label', { for: input.id }, label)];
  if (hint) {
    const hid = uid('hint');
    kids.push(h('p', { class: 'hint', id: hid }, hint));
    input.setAttribute('aria-describedby', hid);
  }
  kids.push(input);
  const wrap = h('div', { class: 'field' }, kids);
  return { wrap, input };
}

/** A group of checkboxes in a fieldset. items: [{value,label,checked}] */
export function checkGroup(legend, name, items, cls = 'checks') {
  const fs = h('fieldset', { class: cls }, h('legend', null, legend));
  const box = h('div', { class: 'check-list' });
  for (const it of items) {
    const id = uid('cb');
    box.appendChild(
      h('div', { class: 'check' },
        h('input', { type: 'checkbox', id, name, value: it.value, checked: !!it.checked }),
        h('label', { for: id }, it.label)),
    );
  }
  fs.appendChild(box);
  return fs;
}

export function checkedValues(root, name) {
  return Array.from(root.querySelectorAll(`input[type=checkbox][name="${name}"]`))
    .filter((i) => i.checked)
    .map((i) => i.value);
}

/**
 * Show a short message in the live region for 4 s. A toast belongs to the screen it
 * reports on: it survives a navigation that follows it at once (「保存しました。」 then
 * the detail page), and endToastOnNavigate() hides it on any later navigation, so an
 * old toast never sits on the next screen. clearToast() hides it now (call it when an
 * error is shown, so a stale 「保存しました。」 never covers 「保存できませんでした」).
 */
export function toast(msg) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = msg;
  el.classList.add('show');
  toast.shownAt = Date.now();
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => clearToast(), 4000);
}
export function clearToast() {
  const el = document.getElementById('toast');
  clearTimeout(toast.timer);
  toast.shownAt = 0;
  if (!el) return;
  el.classList.remove('show');
  el.textContent = '';
}
/** Called by the shell on every navigation: keeps only a toast shown just before it. */
export function endToastOnNavigate() {
  if (toast.shownAt && Date.now() - toast.shownAt < 1500) {
    toast.shownAt = 1; // carried once; the next navigation clears it
    return;
  }
  clearToast();
}

/** A "もっと見る" button: load() appends items to list; then focus moves to the first new
 *  item's link, so keyboard and screen reader users continue where the new ones start. */
export function onMore(button, list, load) {
  button.addEventListener('click', async () => {
    const first = list.children.length;
    await load();
    const next = list.children[first] && list.children[first].querySelector('a');
    if (next) next.focus();
  });
}
