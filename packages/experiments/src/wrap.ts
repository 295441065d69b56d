/** Breaks `text` into lines of at most `width` characters at spaces (a longer word gets its own line). */
export function wrap(text: string, width: number): string {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur.length > 0 && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = word;
    } else {
      cur = cur.length > 0 ? `${cur} ${word}` : word;
    }
  }
  if (cur.length > 0) out.push(cur);
  return out.join('\n');
}
