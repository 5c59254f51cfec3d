// Experience search on "/experiences": query, facet chips, result cards, paging.
// The state lives in the address bar so a search can be bookmarked and shared.
import { ApiError, LatestOnly, debounce, experiences, isAbort } from "./api.js";
import { renderFacet, showDegraded } from "./facets.js";
import { $, el, humanise, monthYear } from "./text.js";

const PAGE_SIZE = 10;
const FACETS = ["category", "experience_type", "sector"];

const input = $("experience-query");
const results = $("experience-results");
const status = $("experience-status");
const range = $("page-range");
const prev = $("prev-page");
const next = $("next-page");
const banner = $("degraded");
const stateBox = $("experience-state");
const hint = $("experience-hint");
const clearButton = $("clear-search");
const retryButton = $("retry");
const pager = $("pager");

const state = readState();
const requests = new LatestOnly();
let total = 0;

function readState() {
  const params = new URLSearchParams(location.search);
  const offset = Number.parseInt(params.get("offset") || "0", 10);
  return {
    q: params.get("q") || "",
    category: params.get("category") || "",
    experience_type: params.get("experience_type") || "",
    sector: params.get("sector") || "",
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}

function writeState() {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) if (value) params.set(name, String(value));
  const text = params.toString();
  history.replaceState(null, "", text ? `?${text}` : location.pathname);
}

function dates(item) {
  const start = monthYear(item.start_date);
  const end = item.is_current ? "present" : monthYear(item.end_date);
  if (start && end) return `${start} – ${end}`;
  return start || (end ? `until ${end}` : "");
}

function card(item) {
  const industry = item.naics_title ? `${item.naics_code} ${item.naics_title}` : "";
  const details = [
    ["Organisation", item.organization],
    ["Industry", industry],
    ["Dates", dates(item)],
    ["Location", item.location],
  ].filter(([, value]) => value);
  return el(
    "li",
    { className: "card", dataset: { id: item.id } },
    el(
      "p",
      { className: "card-top" },
      el("span", { className: "username" }, `@${item.username}`),
      el("span", { className: "type" }, humanise(item.experience_type)),
    ),
    el("h2", { className: "card-title" }, item.title),
    el("dl", {}, ...details.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)])),
    item.description ? el("p", { className: "description" }, item.description) : null,
    item.tags?.length ? el("ul", { className: "tags" }, ...item.tags.map((tag) => el("li", {}, tag))) : null,
  );
}

function renderPaging(shown) {
  const first = shown ? state.offset + 1 : 0;
  const last = state.offset + shown;
  range.textContent = shown ? `${first}–${last} of ${total}` : `0 of ${total}`;
  prev.disabled = state.offset === 0;
  next.disabled = last >= total;
  pager.hidden = total === 0;
}

function narrowed() {
  return Boolean(state.q || FACETS.some((facet) => state[facet]));
}

// loading | results | empty | error: what the box above the cards says, and which button it offers.
function showState(name, text, hintText = "") {
  stateBox.dataset.state = name;
  status.textContent = text;
  hint.textContent = hintText;
  hint.hidden = !hintText;
  clearButton.hidden = !(name === "empty" && narrowed());
  retryButton.hidden = name !== "error";
  results.setAttribute("aria-busy", name === "loading" ? "true" : "false");
}

function showEmpty() {
  if (narrowed()) {
    const what = state.q ? `"${state.q}"` : "these filters";
    showState(
      "empty",
      `No experience matches ${what}.`,
      "Try fewer or shorter words (a word may be the start of a longer one), or clear the filters.",
    );
  } else {
    showState("empty", "No experiences yet.", "They appear here as soon as people add them.");
  }
}

let facetsShown = false;

async function search() {
  writeState();
  const request = requests.start();
  document.body.dataset.loading = "true";
  showState("loading", "Loading experiences…");
  try {
    const answer = await experiences.search(
      {
        q: state.q,
        category: state.category,
        experience_type: state.experience_type,
        sector: state.sector,
        limit: PAGE_SIZE,
        offset: state.offset,
        // Counts are the engine's costliest part; the chips don't change when paging.
        facets: state.offset === 0 || !facetsShown,
      },
      request.signal,
    );
    if (!request.isCurrent()) return;
    showDegraded(banner, answer);
    total = answer.total;
    results.replaceChildren(...answer.items.map(card));
    results.dataset.query = state.q;
    for (const facet of answer.facets?.category ? FACETS : []) {
      facetsShown = true;
      renderFacet($(`facet-${facet}`), answer.facets?.[facet], state[facet], (value) => setFilter(facet, value), {
        showValue: facet === "sector",
      });
    }
    const found = `${total}${answer.total_relation === "gte" ? "+" : ""}`;
    if (answer.items.length) showState("results", `${found} experience${total === 1 ? "" : "s"} found.`);
    else showEmpty();
    renderPaging(answer.items.length);
  } catch (error) {
    if (isAbort(error) || !request.isCurrent()) return;
    results.replaceChildren();
    const reason = error instanceof ApiError ? error.message : "the service is unreachable";
    showState("error", `Search failed: ${reason}.`, "Nothing is lost; try again in a moment.");
    total = 0;
    renderPaging(0);
  } finally {
    if (request.isCurrent()) delete document.body.dataset.loading;
  }
}

function setFilter(facet, value) {
  state[facet] = value;
  state.offset = 0;
  search();
}

const queueSearch = debounce(() => {
  state.q = input.value.trim();
  state.offset = 0;
  search();
}, 250);

input.value = state.q;
input.addEventListener("input", queueSearch);
$("experience-form").addEventListener("submit", (event) => {
  event.preventDefault();
  queueSearch.cancel();
  state.q = input.value.trim();
  state.offset = 0;
  search();
});
retryButton.addEventListener("click", () => search());
clearButton.addEventListener("click", () => {
  input.value = "";
  for (const name of ["q", ...FACETS]) state[name] = "";
  state.offset = 0;
  search();
});
prev.addEventListener("click", () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  search();
});
next.addEventListener("click", () => {
  state.offset += PAGE_SIZE;
  search();
});

search();
