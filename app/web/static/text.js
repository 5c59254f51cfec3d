// Text helpers that build DOM nodes (never HTML strings), so user and API text is always inert.

// Lower-case, accent-free copy of `text` plus, for each of its characters, the index of the
// original character it came from: matching happens on the folded copy, marking on the original.
function fold(text) {
  let folded = "";
  const origin = [];
  for (let i = 0; i < text.length; i++) {
    const part = text[i].normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    for (const ch of part) {
      folded += ch;
      origin.push(i);
    }
  }
  return { folded, origin };
}

export function queryWords(query) {
  const { folded } = fold(query || "");
  return [...new Set(folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean))];
}

function isWordStart(folded, index) {
  return index === 0 || !/[\p{L}\p{N}]/u.test(folded[index - 1]);
}

// Ranges of `text` to mark: every query word where it starts a word of the text (how
// search-as-you-type matches); a word found only inside another word is marked there instead.
export function matchRanges(text, query) {
  const { folded, origin } = fold(text);
  const ranges = [];
  for (const word of queryWords(query)) {
    const hits = [];
    let from = folded.indexOf(word);
    while (from !== -1) {
      hits.push(from);
      from = folded.indexOf(word, from + 1);
    }
    const starts = hits.filter((index) => isWordStart(folded, index));
    for (const index of starts.length ? starts : hits.slice(0, 1)) {
      ranges.push([origin[index], origin[index + word.length - 1] + 1]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

export function highlighted(text, query) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of matchRanges(text, query)) {
    if (start > at) fragment.append(text.slice(at, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    fragment.append(mark);
    at = end;
  }
  if (at < text.length) fragment.append(text.slice(at));
  return fragment;
}

// The page's element with this id (every page module looks its elements up once, at load).
export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null && child !== false));
  return node;
}

export function humanise(value) {
  const text = String(value ?? "").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// What a match tier means, in words a person uses (the API's match_type names are internal).
const MATCH_WORDS = {
  exact_code: "is this code",
  code_prefix: "code starts with this",
  exact_title: "is the title",
  title_prefix: "title starts with this",
  exact_alias: "matches a common name",
  exact_keyword: "matches a Census index term",
  title_contains: "words in the title",
  alias_contains: "words in a common name",
  keyword_contains: "words in a Census index term",
  description_contains: "words in the description",
  fuzzy: "similar spelling",
  some_words: "some of your words",
  former_code: "former code",
  sic_code: "SIC code",
};

const SCHEMES = { naics2017: "NAICS 2017", sic: "SIC" };

// "formerly 511210 in NAICS 2017" for hits found through an older code; null for other hits.
export function sourceCodeText(source) {
  if (!source || typeof source !== "object" || !source.code) return null;
  if (source.scheme === "sic") return `SIC ${source.code} maps here`;
  return `formerly ${source.code} in ${SCHEMES[source.scheme] || source.scheme || "an older edition"}`;
}

export function matchText(item) {
  return sourceCodeText(item.source_code) || MATCH_WORDS[item.match_type] || "";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// "2019-03-01" -> "Mar 2019", read from the text itself: no time zone can move it, and a year such
// as 0001 stays a year ("Jan 0001"), where Date and Intl would drop or shift it.
export function monthYear(value) {
  const match = /^(-?\d{4,})-(\d{2})/.exec(String(value ?? ""));
  if (!match) return "";
  const month = MONTHS[Number(match[2]) - 1];
  return month ? `${month} ${match[1]}` : "";
}
