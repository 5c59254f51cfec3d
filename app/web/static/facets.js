// Facet chips: toggle buttons with counts; a chip that is on stays visible even at count 0.
import { el, humanise } from "./text.js";

// showValue: print the raw value before the label (sector codes such as "62" mean something).
export function renderFacet(group, buckets, selected, onToggle, { showValue = false } = {}) {
  const chips = group.querySelector(".chips");
  // The chip a person just pressed is replaced below: focus goes to its successor, or it would
  // fall to the page (a keyboard user loses their place, and the list beside it closes).
  const focused = chips.contains(document.activeElement) ? (document.activeElement.dataset.value ?? null) : null;
  const values = [...(buckets || [])];
  if (selected && !values.some((bucket) => String(bucket.value) === selected)) {
    values.unshift({ value: selected, label: "", count: 0 });
  }
  chips.replaceChildren(
    ...values.map((bucket) => {
      const value = String(bucket.value);
      const on = value === selected;
      const label = humanise(bucket.label || value);
      const chip = el(
        "button",
        { type: "button", className: "chip", "aria-pressed": on ? "true" : "false", dataset: { value } },
        showValue ? el("span", { className: "chip-value" }, value) : null,
        el("span", { className: "chip-label" }, label),
        el("span", { className: "chip-count", "aria-label": `${bucket.count ?? 0} results` }, String(bucket.count ?? 0)),
      );
      chip.addEventListener("click", () => onToggle(on ? "" : value));
      return chip;
    }),
  );
  group.hidden = values.length === 0;
  if (focused !== null) chips.querySelector(`.chip[data-value="${CSS.escape(focused)}"]`)?.focus();
}

export function showDegraded(banner, ...answers) {
  banner.hidden = !answers.some((answer) => answer && answer.engine === "postgres");
}
