// The industry picker on "/": autocomplete as you type, facet chips, hierarchy of the choice.
import { ApiError, LatestOnly, debounce, isAbort, naics } from "./api.js";
import { Combobox } from "./combobox.js";
import { renderFacet, showDegraded } from "./facets.js";
import { $, el, highlighted, humanise, matchText } from "./text.js";

const LIMIT = 10;
const DEBOUNCE_MS = 120;
// Facet counts are a second request: asked once typing pauses, and only while the chips show.
const FACETS_DEBOUNCE_MS = 400;
const KEYWORDS_SHOWN = 6;

const input = $("industry-query");
const listbox = $("industry-options");
const status = $("industry-status");
const correction = $("industry-correction");
const banner = $("degraded");
const panel = $("industry-details");
const facetsPanel = $("industry-facets");
const filtersToggle = $("show-filters");
const sectorGroup = $("facet-sector");
const categoryGroup = $("facet-category");

const filters = { sector: "", category: "" };
const listRequests = new LatestOnly();
const facetRequests = new LatestOnly();
const detailRequests = new LatestOnly();
// The latest answers of each kind: either may say the database answered for a missing engine.
const answered = { list: null, facets: null };

function renderOption(item) {
  const query = listbox.dataset.query || "";
  return el(
    "li",
    { className: "option", dataset: { sector: item.sector ?? "" } },
    el("span", { className: "code" }, highlighted(item.display_code || item.code, query)),
    el("span", { className: "title" }, highlighted(item.title, query)),
    el(
      "span",
      { className: "sector" },
      item.sector_title ? `${item.sector} ${item.sector_title}` : `Sector ${item.sector ?? "?"}`,
    ),
    el("span", { className: "match", dataset: { matchType: item.match_type ?? "" } }, matchText(item)),
  );
}

const combo = new Combobox(input, listbox, {
  renderOption,
  optionId: (item) => item.code,
  container: document.querySelector(".picker-layout"),
  onChoose: choose,
});

function setStatus(text) {
  status.textContent = text;
}

function filtered() {
  return Boolean(filters.sector || filters.category);
}

function facetsVisible() {
  return facetsPanel.checkVisibility ? facetsPanel.checkVisibility() : facetsPanel.offsetParent !== null;
}

function renderFacets(facets) {
  renderFacet(sectorGroup, facets?.sector, filters.sector, toggleSector, { showValue: true });
  renderFacet(categoryGroup, facets?.category, filters.category, toggleCategory);
}

// "Showing results for restaurant" when the API corrected the spelling of the query.
function showCorrection(corrected, typed) {
  const show = typeof corrected === "string" && corrected && corrected !== typed;
  correction.replaceChildren(...(show ? ["Showing results for ", el("strong", {}, corrected)] : []));
  correction.hidden = !show;
}

function clearResults() {
  listRequests.cancel();
  facetRequests.cancel();
  listbox.dataset.query = "";
  combo.setItems([]);
  renderFacets(null);
  showCorrection(null, "");
  setStatus("");
}

// A new query or an empty box: the industry chosen before is no longer what the box says.
function clearChoice() {
  detailRequests.cancel();
  delete input.dataset.chosen;
  panel.hidden = true;
  delete panel.dataset.code;
  for (const id of ["breadcrumb", "details-title", "details-meta", "details-keywords", "details-description"]) {
    $(id).replaceChildren();
  }
}

// One request per keystroke: autocomplete is the list; with a chip on, the filtered search is
// the list and brings its facet counts along.
async function runQuery() {
  const q = input.value.trim();
  if (!q) {
    clearResults();
    return;
  }
  const request = listRequests.start();
  document.body.dataset.loading = "true";
  try {
    const list = filtered()
      ? await naics.search({ q, ...filters, limit: LIMIT }, request.signal)
      : await naics.autocomplete({ q, limit: LIMIT }, request.signal);
    if (!request.isCurrent()) return;
    answered.list = list;
    if (list.facets) answered.facets = list;
    showDegraded(banner, answered.list, answered.facets);
    listbox.dataset.query = q;
    combo.setItems(list.items);
    showCorrection(list.corrected_query, q);
    if (list.facets) renderFacets(list.facets);
    setStatus(
      list.items.length
        ? `${list.items.length} of ${list.total} industries shown. Use the arrow keys to choose one.`
        : `No industry matches "${q}".`,
    );
  } catch (error) {
    if (isAbort(error) || !request.isCurrent()) return;
    combo.setItems([]);
    setStatus(error instanceof ApiError ? `Search failed: ${error.message}` : "Search failed: the service is unreachable.");
  } finally {
    if (request.isCurrent()) delete document.body.dataset.loading;
  }
}

async function runFacets() {
  const q = input.value.trim();
  if (!q || filtered() || !facetsVisible()) return;
  const request = facetRequests.start();
  try {
    const answer = await naics.search({ q, limit: 1 }, request.signal);
    if (!request.isCurrent() || q !== input.value.trim()) return;
    answered.facets = answer;
    showDegraded(banner, answered.list, answered.facets);
    renderFacets(answer.facets);
  } catch (error) {
    // The chips are an extra: the list beside them already says what went wrong, if anything.
    if (!isAbort(error) && request.isCurrent()) renderFacets(null);
  }
}

const queueQuery = debounce(runQuery, DEBOUNCE_MS);
const queueFacets = debounce(runFacets, FACETS_DEBOUNCE_MS);

function setFilter(name, value) {
  filters[name] = value;
  queueQuery.cancel();
  queueFacets.cancel();
  runQuery().then(() => {
    if (!filtered()) runFacets();
  });
}

function toggleSector(value) {
  setFilter("sector", value);
}

function toggleCategory(value) {
  setFilter("category", value);
}

function choose(item) {
  // The box says what was chosen; the list stays as it was, for another look with the arrow keys.
  input.value = `${item.display_code || item.code} ${item.title}`;
  input.dataset.chosen = item.code;
  queueQuery.cancel();
  queueFacets.cancel();
  showIndustry(item.code);
}

function keywordList(words) {
  return el("ul", { className: "keyword-list" }, ...words.map((word) => el("li", {}, word)));
}

// Keywords may be plain strings or {text|keyword, source} objects, depending on the catalogue's source.
function keywordText(keyword) {
  if (typeof keyword === "string") return keyword;
  return keyword?.text ?? keyword?.keyword ?? "";
}

function renderKeywords(keywords) {
  const words = (keywords || []).map(keywordText).filter(Boolean);
  if (!words.length) return [];
  const shown = keywordList(words.slice(0, KEYWORDS_SHOWN));
  const rest = words.slice(KEYWORDS_SHOWN);
  const more = rest.length
    ? el("details", { className: "more" }, el("summary", {}, `${rest.length} more`), keywordList(rest))
    : null;
  return [el("h3", {}, "Keywords"), shown, more].filter(Boolean);
}

async function showIndustry(code) {
  const request = detailRequests.start();
  try {
    const [industry, hierarchy] = await Promise.all([
      naics.get(code, request.signal),
      naics.hierarchy(code, request.signal),
    ]);
    if (!request.isCurrent()) return;
    const crumbs = hierarchy.items.map((node, index, all) => {
      const last = index === all.length - 1;
      return el(
        "li",
        { dataset: { code: node.code }, "aria-current": last ? "location" : null },
        el("span", { className: "code" }, node.code),
        " ",
        el("span", { className: "title" }, node.title),
      );
    });
    $("breadcrumb").replaceChildren(...crumbs);
    $("details-title").textContent = `${industry.display_code || industry.code} ${industry.title}`;
    $("details-meta").textContent = [`Level ${industry.level}`, industry.category ? humanise(industry.category) : ""]
      .filter(Boolean)
      .join(" · ");
    $("details-keywords").replaceChildren(...renderKeywords(industry.keywords));
    $("details-description").textContent =
      industry.description || "No description in the catalogue for this industry yet.";
    panel.dataset.code = industry.code;
    panel.hidden = false;
  } catch (error) {
    if (isAbort(error) || !request.isCurrent()) return;
    setStatus(`Could not load industry ${code}: ${error.message}`);
  }
}

input.addEventListener("input", () => {
  clearChoice();
  queueQuery();
  queueFacets();
});
input.addEventListener("focus", () => combo.open());
filtersToggle.addEventListener("click", () => {
  const open = facetsPanel.classList.toggle("open");
  filtersToggle.setAttribute("aria-expanded", String(open));
  if (open) runFacets();
});
