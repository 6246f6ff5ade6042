/**
 * Test helper. A strict little XML checker: every tag is well-formed and balanced, attributes are quoted and unique,
 * text holds no raw `<` and only known entities. Returns the element names in document order.
 */
export function checkXml(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = token.exec(xml)) !== null) {
    const [, closing, name, attrs, selfClosing, text, stray] = m;
    if (stray !== undefined) throw new Error(`malformed tag at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
      const bad = text.match(/&(?!(amp|lt|gt|quot|#39);)/);
      if (bad) throw new Error(`bare & in text: ${text}`);
      continue;
    }
    if (closing) {
      if (attrs || selfClosing) throw new Error(`bad closing tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      continue;
    }
    const seen = new Set<string>();
    for (const a of (attrs ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (seen.has(a[1]!)) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      seen.add(a[1]!);
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(a[2]!)) throw new Error(`bare & in attribute ${a[1]}`);
    }
    if (stack.length === 0) roots++;
    names.push(name!);
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
  return names;
}
