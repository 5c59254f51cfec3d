// The industry picker on "/": autocomplete as you type, facet chips, hierarchy of the choice.
import { ApiError, LatestOnly, debounce, isAbort, naics } from "./api.js";
import { Combobox } from "./combobox.js";
import { renderFacet, showDegraded } from "./facets.js";
import { el, highlighted, humanise } from "./text.js";

const LIMIT = 10;
const DEBOUNCE_MS = 120;

const $ = (id) => document.getElementById(id);
const input = $("industry-query");
const listbox = $("industry-options");
const status = $("industry-status");
const banner = $("degraded");
const sectorGroup = $("facet-sector");
const categoryGroup = $("facet-category");

const filters = { sector: "", category: "" };
const listRequests = new LatestOnly();
const detailRequests = new LatestOnly();

function renderOption(item) {
  const query = listbox.dataset.query || "";
  return el(
    "li",
    { className: "option", dataset: { sector: item.sector ?? "" } },
    el("span", { className: "code" }, highlighted(item.code, query)),
    el("span", { className: "title" }, highlighted(item.title, query)),
    el(
      "span",
      { className: "sector" },
      item.sector_title ? `${item.sector} ${item.sector_title}` : `Sector ${item.sector ?? "?"}`,
    ),
    el("span", { className: "match", title: `score ${item.score}` }, humanise(item.match_type)),
  );
}

const combo = new Combobox(input, listbox, {
  renderOption,
  optionId: (item) => item.code,
  container: document.querySelector(".picker-layout"),
  onChoose: (item) => showIndustry(item.code),
});

function setStatus(text) {
  status.textContent = text;
}

function clearResults() {
  listRequests.cancel();
  listbox.dataset.query = "";
  combo.setItems([]);
  renderFacet(sectorGroup, [], filters.sector, toggleSector, { showValue: true });
  renderFacet(categoryGroup, [], filters.category, toggleCategory);
  setStatus("");
}

async function runQuery() {
  const q = input.value.trim();
  if (!q) {
    clearResults();
    return;
  }
  const request = listRequests.start();
  document.body.dataset.loading = "true";
  try {
    const filtered = Boolean(filters.sector || filters.category);
    // Facet counts (and, once a chip is on, the narrowed list) come from /search; the plain
    // list comes from the lean autocomplete endpoint built for per-keystroke calls.
    const searching = naics.search({ q, ...filters, limit: LIMIT }, request.signal);
    const listing = filtered ? searching : naics.autocomplete({ q, limit: LIMIT }, request.signal);
    const [list, facets] = await Promise.all([listing, searching]);
    if (!request.isCurrent()) return;
    showDegraded(banner, list, facets);
    listbox.dataset.query = q;
    combo.setItems(list.items);
    renderFacet(sectorGroup, facets.facets?.sector, filters.sector, toggleSector, { showValue: true });
    renderFacet(categoryGroup, facets.facets?.category, filters.category, toggleCategory);
    const total = filtered ? list.total : facets.total;
    setStatus(
      list.items.length
        ? `${list.items.length} of ${total} industries shown. Use the arrow keys to choose one.`
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

const queueQuery = debounce(runQuery, DEBOUNCE_MS);

function toggleSector(value) {
  filters.sector = value;
  queueQuery.cancel();
  runQuery();
}

function toggleCategory(value) {
  filters.category = value;
  queueQuery.cancel();
  runQuery();
}

async function showIndustry(code) {
  const request = detailRequests.start();
  const panel = $("industry-details");
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
    $("details-title").textContent = `${industry.code} ${industry.title}`;
    $("details-meta").textContent = [
      `Level ${industry.level}`,
      industry.category ? humanise(industry.category) : "",
      industry.keywords?.length ? `Keywords: ${industry.keywords.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" · ");
    $("details-description").textContent =
      industry.description || "No description in the catalogue for this industry yet.";
    panel.dataset.code = industry.code;
    panel.hidden = false;
  } catch (error) {
    if (isAbort(error) || !request.isCurrent()) return;
    setStatus(`Could not load industry ${code}: ${error.message}`);
  }
}

input.addEventListener("input", queueQuery);
input.addEventListener("focus", () => combo.open());
