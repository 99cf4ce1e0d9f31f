// Renders a lesson's text (a small markdown subset, see lessons/softmax/text.mjs) into DOM nodes.
// Never uses innerHTML: text becomes text nodes, math goes through KaTeX.

function inline(parent, s, tex, el) {
  // Tokens: $math$, **bold**, *emphasis*, `code`.
  const re = /\$([^$]+)\$|\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`/g;
  let last = 0;
  for (let m; (m = re.exec(s)); last = re.lastIndex) {
    if (m.index > last) parent.append(document.createTextNode(s.slice(last, m.index)));
    if (m[1] !== undefined) { const span = el('span'); tex(span, m[1]); parent.append(span); }
    else if (m[2] !== undefined) parent.append(el('strong', {}, m[2]));
    else if (m[3] !== undefined) parent.append(el('em', {}, m[3]));
    else parent.append(el('code', {}, m[4]));
  }
  if (last < s.length) parent.append(document.createTextNode(s.slice(last)));
}

/** A DocumentFragment for the text: '## ' headings, '- ' lists, $$display$$ blocks, paragraphs. */
export function renderText(source, { tex, el }) {
  const frag = document.createDocumentFragment();
  const blocks = source.trim().split(/\n\s*\n/);
  for (const raw of blocks) {
    const b = raw.trim();
    if (b.startsWith('$$') && b.endsWith('$$')) {
      const div = el('div', { class: 'display-math' });
      tex(div, b.slice(2, -2).trim(), true);
      frag.append(div);
      continue;
    }
    const lines = b.split('\n');
    let i = 0;
    if (lines[0].startsWith('## ')) {
      frag.append(el('h3', {}, lines[0].slice(3)));
      i = 1;
    }
    const rest = lines.slice(i);
    if (!rest.length) continue;
    if (rest.every((l) => l.startsWith('- '))) {
      const ul = el('ul');
      for (const l of rest) { const li = el('li'); inline(li, l.slice(2), tex, el); ul.append(li); }
      frag.append(ul);
    } else {
      const p = el('p');
      inline(p, rest.join(' '), tex, el);
      frag.append(p);
    }
  }
  return frag;
}
