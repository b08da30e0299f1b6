// The map's search: a query is a substring (any case) or /regex/flags. One reading of it, shared by
// the page (which rings the matches) and the worker (which maps only the matches when asked).
// Pure: no DOM.

// {test(word) -> bool} for a query, null for an empty one; {error} (a message for the user) for an
// invalid regular expression.
export function readSearch(query) {
  const text = String(query ?? '').trim();
  if (!text) return null;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (!re) {
    const needle = text.toLowerCase();
    return { test: (w) => w.toLowerCase().includes(needle) };
  }
  try {
    const regex = new RegExp(re[1], re[2].replace(/[gy]/g, ''));  // no lastIndex state between words
    return { test: (w) => regex.test(w) };
  } catch (err) {
    return { error: `Not a valid regular expression: ${err.message.replace(/^Invalid regular expression: /, '')}` };
  }
}
